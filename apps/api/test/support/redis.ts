import { execa, type ResultPromise } from 'execa';
import { freePort } from '@shopops/local-servers';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real Redis server from the machine's redis-server binary on a loopback port, nothing persisted
 * (Debian: apt-get install redis-server).
 */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ResultPromise;
  try {
    child = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      reject: false,
      buffer: false,
      stdin: 'ignore',
    });
  } catch (error) {
    throw new Error('redis-server is needed for the Redis rate-limit tests: apt-get install redis-server', {
      cause: error,
    });
  }
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    void child.then((result) =>
      reject(
        new Error(
          `redis-server exited (${result.exitCode ?? result.signal ?? 'not found'}): ${output.slice(-500)} ${
            result.failed && result.code === 'ENOENT' ? 'install it: apt-get install redis-server' : ''
          }`,
        ),
      ),
    );
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}
