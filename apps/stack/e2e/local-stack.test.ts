import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@shopops/local-servers';
import { nxEnv } from '@shopops/testing';

// `npm start` is `nx run stack:up`: this runs that target for real, on free ports and a scratch data directory.
const workspaceRoot = resolve(import.meta.dirname, '../../..');

interface Stack {
  process: ResultPromise;
  output: () => string;
}

async function startStack(env: Record<string, string>): Promise<Stack> {
  let output = '';
  const child = execa('npx', ['nx', 'run', 'stack:up'], {
    cwd: workspaceRoot,
    env: nxEnv({ DATABASE_URL: '', ...env }),
    // Its own process group, so the test can press Ctrl-C the way a terminal does: SIGINT to the whole group.
    detached: true,
    reject: false,
    all: true,
  });
  child.all?.on('data', (chunk: Buffer) => (output += stripVTControlCharacters(chunk.toString())));
  await new Promise<void>((ready, fail) => {
    const timer = setInterval(() => {
      if (/storefront\s+http:\/\/127\.0\.0\.1:\d+/.test(output)) {
        clearInterval(timer);
        ready();
      }
    }, 200);
    void child.then(() => {
      clearInterval(timer);
      fail(new Error(`the stack exited before it was up:\n${output}`));
    });
  });
  return { process: child, output: () => output };
}

/**
 * Ctrl-C: SIGINT to the whole group. npx ends by that signal, as Ctrl-C'd programs do, and Nx may close
 * the output pipe first, so a clean stop is judged by its effects: every port closed, Postgres shut down.
 */
async function pressCtrlC(stack: Stack, ports: Record<string, number>, dataDir: string) {
  process.kill(-stack.process.pid!, 'SIGINT');
  const result = await stack.process;
  expect(result.exitCode === 0 || result.signal === 'SIGINT', stack.output()).toBe(true);
  for (let attempt = 0; attempt < 50 && existsSync(join(dataDir, 'postgres/data/postmaster.pid')); attempt++) {
    await new Promise((wait) => setTimeout(wait, 200));
  }
  expect(existsSync(join(dataDir, 'postgres/data/postmaster.pid')), 'Postgres still running').toBe(false);
  for (const [name, port] of Object.entries(ports)) {
    expect(await refused(`http://127.0.0.1:${port}/`), `${name} still listening`).toBe(true);
  }
}

const refused = (url: string) =>
  fetch(url).then(
    () => false,
    () => true,
  );

const json = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('npm start (nx run stack:up)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
  // As root the cluster runs as the postgres user, which must reach the directory (mkdtemp makes it 0700).
  chmodSync(dataDir, 0o755);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // Two cold starts of the whole stack through Nx: minutes on a loaded 2-core machine.
  it(
    'starts Postgres, S3, migrations, seed data, the API and the storefront; Ctrl-C stops it; data stays',
    { timeout: 420_000 },
    async () => {
      const ports = { api: await freePort(), web: await freePort(), s3: await freePort(), postgres: await freePort() };
      const env = {
        STACK_DATA_DIR: dataDir,
        STACK_API_PORT: String(ports.api),
        STACK_WEB_PORT: String(ports.web),
        STACK_S3_PORT: String(ports.s3),
        STACK_POSTGRES_PORT: String(ports.postgres),
      };
      const api = `http://127.0.0.1:${ports.api}`;

      const first = await startStack(env);
      expect(first.output()).toContain(`api         ${api}`);
      const ready = await json(`${api}/readyz`);
      expect(ready.status, JSON.stringify(ready.body)).toBe(200);
      const products = await json(`${api}/products`);
      expect(products.body.total).toBe(8);
      const page = await fetch(`http://127.0.0.1:${ports.web}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"');
      const items = products.body.items as { id: number }[];
      const order = await json(`${api}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerEmail: 'dev@example.com', items: [{ productId: items[0]!.id, quantity: 1 }] }),
      });
      expect(order.status).toBe(201);

      await pressCtrlC(first, ports, dataDir);

      const second = await startStack(env);
      try {
        expect((await json(`${api}/orders/${order.body.id}`)).body).toMatchObject({ customerEmail: 'dev@example.com' });
        expect((await json(`${api}/products`)).body.total).toBe(8);
      } finally {
        await pressCtrlC(second, ports, dataDir);
      }
    },
  );
});
