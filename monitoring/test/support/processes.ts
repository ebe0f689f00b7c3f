import { execa, type ResultPromise } from 'execa';

export interface Daemon {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a server binary and waits (bounded) until `readyPath` answers 200 on its loopback port. */
export async function startDaemon(binary: string, args: string[], url: string, readyPath: string): Promise<Daemon> {
  let output = '';
  const child: ResultPromise = execa(binary, args, { reject: false, buffer: false, stdin: 'ignore' });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  void child.then(() => (exited = true));
  for (let attempt = 0; ; attempt++) {
    if (exited) throw new Error(`${binary} exited:\n${output.slice(-3000)}`);
    if (
      await fetch(`${url}${readyPath}`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (attempt > 300) throw new Error(`${binary} was not ready after 300 tries:\n${output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/** Polls `check` every 500 ms until it returns a value, at most `tries` times; the last reason when it never does. */
export async function waitFor<T>(what: string, tries: number, check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`gave up waiting for ${what} after ${tries} tries`);
}
