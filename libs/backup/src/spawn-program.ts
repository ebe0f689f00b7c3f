import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** How a program failed: what processFailure turns into a message. */
export interface ProgramFailure extends Error {
  exitCode?: number;
  signal?: string;
  /** The tail of its stderr. */
  stderr: string;
  /** Set when it could not start, e.g. ENOENT. */
  code?: string;
}

export interface SpawnedProgram {
  child: ChildProcess;
  /** Resolves when the program exits 0; rejects with a ProgramFailure otherwise. */
  exited: Promise<void>;
}

const STDERR_TAIL = 64 * 1024;

/**
 * Starts a program without a shell and keeps the tail of its stderr. Unlike execa, stdout may be the
 * stdin pipe of another program, so the data flows between the two without passing through Node
 * (runPipeline then closes its own copy of that pipe).
 */
export function spawnProgram(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin: 'ignore' | 'pipe'; stdout: 'ignore' | 'pipe' | Writable },
): SpawnedProgram {
  const child = spawn(file, args, {
    env: { ...process.env, ...options.env },
    stdio: [options.stdin, options.stdout, 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const exited = new Promise<void>((resolve, reject) => {
    const fail = (error: Error, details: Partial<ProgramFailure>) =>
      reject(Object.assign(error, details, { stderr }) as ProgramFailure);
    child.once('error', (error) => fail(error, {}));
    child.once('close', (exitCode, signal) => {
      if (exitCode === 0) resolve();
      else fail(new Error(`${file} failed`), { exitCode: exitCode ?? undefined, signal: signal ?? undefined });
    });
  });
  exited.catch(() => undefined);
  return { child, exited };
}
