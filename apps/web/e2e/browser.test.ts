import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium } from './browser.ts';

// A page whose icon answers only after the test has navigated on, as a loaded machine makes the
// storefront's favicon do: the browser aborts that request, and that is no error of the page.
let server: Server;
let baseUrl: string;
let browser: Browser;
let page: Page;
const pending = new Set<() => void>();
/**
 * A loopback port whose every connection is reset: a request there fails by itself. Held by this test, not
 * merely found free, since another test running beside it could otherwise listen there and answer.
 */
const resetting = createTcpServer((socket) => socket.resetAndDestroy());
let resettingPort: number;

beforeAll(async () => {
  await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
  resettingPort = (resetting.address() as AddressInfo).port;
  server = createServer((request, response) => {
    if (request.url === '/slow-icon.svg') {
      pending.add(() => response.end('<svg xmlns="http://www.w3.org/2000/svg"/>'));
      return;
    }
    response.setHeader('content-type', 'text/html');
    if (request.url === '/with-slow-icon') {
      response.end(
        '<!doctype html><title>a</title><link rel="icon" href="/slow-icon.svg"><img src="/slow-icon.svg" alt="">',
      );
    } else if (request.url === '/broken-image') {
      response.end(`<!doctype html><title>b</title><img src="http://127.0.0.1:${resettingPort}/x.png" alt="">`);
    } else {
      response.end('<!doctype html><title>next</title><p>next page</p>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
});
afterAll(async () => {
  for (const answer of pending) answer();
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => resetting.close(resolve));
});

describe('collectPageErrors', () => {
  it('leaves out a request the browser aborted because the page navigated on', async () => {
    const errors = collectPageErrors(page);
    const iconRequested = page.waitForRequest((request) => request.url().endsWith('/slow-icon.svg'));
    await page.goto(`${baseUrl}/with-slow-icon`, { waitUntil: 'commit' });
    await iconRequested;
    const aborted = page.waitForEvent('requestfailed');
    await page.goto(`${baseUrl}/next`);
    expect((await aborted).failure()?.errorText).toBe('net::ERR_ABORTED');
    expect(errors).toEqual([]);
  });

  it('still counts a request that failed on its own', async () => {
    const errors = collectPageErrors(page);
    const failed = page.waitForEvent('requestfailed');
    await page.goto(`${baseUrl}/broken-image`);
    await failed;
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^request failed: GET http:\/\/127\.0\.0\.1:\d+\/x\.png \(net::ERR_(CONNECTION_RESET|EMPTY_RESPONSE)\)$/,
      ),
    );
  });
});
