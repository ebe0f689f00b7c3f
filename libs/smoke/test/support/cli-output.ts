import type { CliIo } from '../../src/index.ts';

/** What the CLI writes to stdout and stderr, kept for the test to read. */
export function cliOutput(options: { tty?: boolean } = {}) {
  const chunks = { stdout: '', stderr: '' };
  const io: CliIo = {
    env: { ...process.env },
    stdout: { write: (text: string) => (chunks.stdout += text) },
    stderr: { write: (text: string) => (chunks.stderr += text), isTTY: options.tty ?? false },
  };
  return {
    io,
    stdout: () => chunks.stdout,
    stderr: () => chunks.stderr,
    text: () => `stdout:\n${chunks.stdout}\nstderr:\n${chunks.stderr}`,
  };
}
