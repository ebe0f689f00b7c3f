import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nxEnv } from '@shopops/testing';
import { startLocalApi, type LocalApi } from './support/local-api.ts';

// The README's "Smoke checks" commands, run as written against the real API (SMOKE_BASE_URL points them at it).
const workspaceRoot = resolve(import.meta.dirname, '../../..');
const readme = readFileSync(join(workspaceRoot, 'README.md'), 'utf8');
const section = /## Smoke checks\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
  block!
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean),
);

/** A build docker-build recorded here is what `nx run api:smoke` expects: the API under test reports it. */
function recordedBuild(): { version?: string; commit?: string } {
  const path = join(workspaceRoot, 'dist/api/image.json');
  if (!existsSync(path)) return {};
  const { labels = {} } = JSON.parse(readFileSync(path, 'utf8')) as { labels?: Record<string, string> };
  return { version: labels['org.opencontainers.image.version'], commit: labels['org.opencontainers.image.revision'] };
}

describe('README: Smoke checks', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await startLocalApi(recordedBuild());
  });
  afterAll(() => api?.stop());

  it('has the api smoke commands', () => {
    expect(commands).toEqual([
      'npx nx run api:smoke --skipTags sandbox',
      'npx nx run api:smoke --tags readiness --junit reports/smoke/api.xml',
      'npx tsx libs/smoke/src/main.ts --file apps/api/smoke.yaml --tags version --json',
    ]);
  });

  it('runs every command as written', { timeout: 300_000 }, async () => {
    for (const command of commands) {
      const result = await execa('bash', ['-c', command], {
        cwd: workspaceRoot,
        env: nxEnv({ SMOKE_BASE_URL: api.url }),
        reject: false,
        all: true,
      });
      const output = stripVTControlCharacters(result.all ?? '');
      expect(result.exitCode, `${command}\n${output}`).toBe(0);
      expect(output).toMatch(/smoke: \d+ of \d+ checks passed|"exitCode": 0/);
    }
    expect(readFileSync(join(workspaceRoot, 'reports/smoke/api.xml'), 'utf8')).toContain('tests="1" failures="0"');
  });
});
