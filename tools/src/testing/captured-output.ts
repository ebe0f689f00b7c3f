import { vi } from 'vitest';

/**
 * Watches what an executor writes to stdout and stderr (process streams and console.error) without
 * replacing it: the executor still writes for real, the test reads back what it wrote. Call in
 * beforeEach; vi.restoreAllMocks() in afterEach undoes it.
 */
export function captureOutput(): () => { stdout: string; stderr: string } {
  vi.spyOn(process.stdout, 'write');
  vi.spyOn(process.stderr, 'write');
  vi.spyOn(console, 'error');
  const written = (stream: NodeJS.WriteStream) =>
    vi
      .mocked(stream.write)
      .mock.calls.map(([chunk]) => String(chunk))
      .join('');
  return () => ({
    stdout: written(process.stdout),
    stderr:
      vi
        .mocked(console.error)
        .mock.calls.map((args) => args.join(' '))
        .join('\n') + written(process.stderr),
  });
}
