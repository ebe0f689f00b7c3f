import { execa, type ResultPromise } from 'execa';

export interface LocalWeb {
  url: string;
  stop(): Promise<void>;
}

/** The storefront's Vite dev server on 127.0.0.1:<port>, talking to the API at `apiUrl`. Resolves once it listens. */
export async function startWeb(workspaceRoot: string, port: number, apiUrl: string): Promise<LocalWeb> {
  const url = `http://127.0.0.1:${port}`;
  const vite: ResultPromise = execa(
    'npx',
    ['vite', '--config', 'apps/web/vite.config.ts', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    {
      cwd: workspaceRoot,
      env: { VITE_API_URL: apiUrl, FORCE_COLOR: '0' },
      stdin: 'ignore',
      reject: false,
      buffer: false,
    },
  );
  await new Promise<void>((ready, fail) => {
    let output = '';
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`:${port}`)) ready();
    };
    vite.stdout?.on('data', watch);
    vite.stderr?.on('data', watch);
    void vite.then((result) =>
      fail(new Error(`the web dev server exited (${result.exitCode}): ${output.trim().slice(-500)}`)),
    );
  });
  return {
    url,
    stop: async () => {
      vite.kill('SIGTERM');
      await vite;
    },
  };
}
