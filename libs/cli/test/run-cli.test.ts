import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runWithConvention, UsageError, type CliIo } from '../src/index.ts';

class EngineError extends Error {
  constructor(
    message: string,
    readonly remedy?: string,
  ) {
    super(message);
  }
}

async function run(body: () => Promise<number>, env: NodeJS.ProcessEnv = {}) {
  const stderr = new PassThrough();
  const io: CliIo = { stdout: new PassThrough(), stderr, env };
  const convention = { tool: 'backup', prefix: () => 'restore', mask: (t: string) => t.replaceAll('hunter22', '***') };
  const exitCode = await runWithConvention(convention, io, body);
  stderr.end();
  return { exitCode, stderr: String(stderr.read() ?? '') };
}

describe('the CLI convention', () => {
  it('passes a command’s own exit code through', async () => {
    expect(await run(async () => 3)).toEqual({ exitCode: 3, stderr: '' });
  });

  it('usage errors: exit 2, the message and a remedy pointing at --help', async () => {
    expect(await run(() => Promise.reject(new UsageError('--jobs must be a number')))).toEqual({
      exitCode: 2,
      stderr: 'restore: --jobs must be a number\n  remedy: see backup --help\n',
    });
  });

  it('engine errors: exit 1, message and remedy, secrets masked; the stack only with DEBUG=1', async () => {
    const failing = () => Promise.reject(new EngineError('cannot connect to postgres://u:hunter22@h/db', 'check it'));
    expect(await run(failing)).toEqual({
      exitCode: 1,
      stderr: 'restore: cannot connect to postgres://u:***@h/db\n  remedy: check it\n',
    });
    const debugged = await run(failing, { DEBUG: '1' });
    expect(debugged.stderr).toMatch(
      /^restore: cannot connect.*\n {2}remedy: check it\nError: cannot connect .*\n {4}at /,
    );
    expect(debugged.stderr).not.toContain('hunter22');
  });

  it('anything else is a bug: said so, with how to see where', async () => {
    expect(await run(() => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")))).toEqual(
      {
        exitCode: 1,
        stderr:
          "restore: failed unexpectedly: Cannot read properties of undefined (reading 'x')\n  remedy: run again with DEBUG=1 to see where, and report it\n",
      },
    );
  });
});
