import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { freePort } from '@shopops/local-servers';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ChildApi {
  url: string;
  process: ResultPromise;
  /** JSON log lines written so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log entry (already written or to come) that matches. */
  waitForLog(predicate: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** The real entry point, `tsx apps/api/src/main.ts`, in a child process on a free loopback port. */
export async function startChildApi(env: Record<string, string | undefined>): Promise<ChildApi> {
  const port = await freePort();
  const child = execa(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', NODE_NO_WARNINGS: '1' },
    extendEnv: false,
    // The test decides how long a graceful shutdown may take; execa would SIGKILL after 5 s.
    forceKillAfterDelay: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  let errors = '';
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(entry)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(entry);
        }
      }
    }
  });
  const waitForLog = (predicate: (entry: Record<string, unknown>) => boolean) => {
    const seen = logs.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      waiters.push({ predicate, resolve });
      void child.then((result) =>
        reject(new Error(`the API exited (${result.exitCode}) first: ${errors.slice(-2000)}`)),
      );
    });
  };
  await waitForLog((e) => e.msg === 'listening');
  return { url: `http://127.0.0.1:${port}`, process: child, logs, stderr: () => errors, waitForLog };
}

/** Runs main.ts to completion (for start-up failures). */
export async function runMain(env: Record<string, string | undefined>) {
  return execa(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...env, NODE_NO_WARNINGS: '1' },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}
