import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '../src/paths.ts';

const MARKER = '<!-- runs in monitoring/test/observability-doc.test.ts -->';
const doc = readFileSync(resolve(WORKSPACE_ROOT, 'docs/OBSERVABILITY.md'), 'utf8');

/** The command lines of every sh block right after the marker. */
function markedCommands(): string[] {
  return doc
    .split(MARKER)
    .slice(1)
    .flatMap((part) => /^\s*```sh\n([\s\S]*?)```/.exec(part)?.[1]?.split('\n') ?? [])
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

describe('docs/OBSERVABILITY.md', () => {
  it('has the commands to run', () => {
    expect(markedCommands().length).toBeGreaterThanOrEqual(6);
  });

  it.each(markedCommands())('`%s` succeeds from the workspace root', async (command) => {
    const [binary, ...args] = command.split(/\s+/);
    const result = await execa(binary!, args, { cwd: WORKSPACE_ROOT, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
  });

  it('names every metric the API exports in its table', () => {
    for (const name of [
      'db_pool_connections',
      'app_build_info',
      'api_ready',
      'readiness_check_ok',
      'payment_provider_request_seconds',
      'backup_last_verified_timestamp_seconds',
    ]) {
      expect(doc).toContain(`\`${name}\``);
    }
  });
});
