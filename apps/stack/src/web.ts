import { setTimeout } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { execa, type ResultPromise } from 'execa';

export interface LocalWeb {
  url: string;
  /** Resolves once the dev server answers HTTP; rejects if it exits or never answers (stop() it then). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Starts the storefront's Vite dev server on 127.0.0.1:<port>, talking to the API at `apiUrl`. Returns as
 * soon as it is spawned, so the caller can stop it on Ctrl-C during start-up; `ready` says when it serves.
 */
export async function startWeb(workspaceRoot: string, port: number, apiUrl: string): Promise<LocalWeb> {
  const url = `http://127.0.0.1:${port}`;
  // Readiness is "the port answers", so the port must not answer before Vite is there.
  if (await answers(url)) throw new Error(`${url} is already in use; set STACK_WEB_PORT to a free port`);
  const vite: ResultPromise = execa(
    'npx',
    ['vite', '--config', 'apps/web/vite.config.ts', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: workspaceRoot, env: { VITE_API_URL: apiUrl }, stdin: 'ignore', reject: false, buffer: false },
  );
  const stop = async () => {
    vite.kill('SIGTERM');
    await vite;
  };
  return { url, ready: untilAnswering(url, vite), stop };
}

/**
 * Polls the URL rather than reading Vite's banner: colours, which npm and Nx may force, split the URL
 * in it. The output is kept for the message when Vite exits or never answers.
 */
async function untilAnswering(url: string, vite: ResultPromise): Promise<void> {
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  vite.stdout?.on('data', keep);
  vite.stderr?.on('data', keep);
  let exited: string | undefined;
  void vite.then((result) => (exited = `the web dev server exited (${result.exitCode})`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(url))) {
    const failure = exited ?? (Date.now() > deadline ? `the web dev server did not answer on ${url}` : undefined);
    if (failure) throw new Error(`${failure}: ${stripVTControlCharacters(output).trim().slice(-500)}`);
    await setTimeout(200);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).body?.cancel();
    return true;
  } catch {
    return false;
  }
}
