import { main } from '../../src/cli.ts';

/** The CLI run in-process with its output captured. */
export async function runCliCaptured(argv: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(argv, {
    env,
    cwd,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
  });
  return { exitCode, stdout, stderr };
}
