import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, scratchDir } from '@shopops/testing';
import { runCli, type SmokeResult } from '../src/index.ts';
import { startLocalApi, type LocalApi } from './support/local-api.ts';
import { cliOutput } from './support/cli-output.ts';

const apiSmokeFile = resolve(import.meta.dirname, '../../../apps/api/smoke.yaml');
const COMMIT = '5f7833d0c0ffee5f7833d0c0ffee5f7833d0c0ff';

describe('apps/api/smoke.yaml against the real API', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await startLocalApi({ version: '1.4.2', commit: COMMIT });
  });
  afterAll(() => api?.stop());

  it('passes every check, names the build that answered and writes reports CI reads', async () => {
    const dir = scratchDir('smoke-api-');
    const out = cliOutput();
    const argv = ['--file', apiSmokeFile, '--url', api.url, '--var', `storefront=${api.webOrigin}`];
    const code = await runCli(
      [
        ...argv,
        '--expect-version',
        '1.4.2',
        '--expect-commit',
        COMMIT.slice(0, 7),
        '--junit',
        join(dir, 'junit.xml'),
        '--report',
        join(dir, 'report.json'),
      ],
      out.io,
    );
    expect(code, out.text()).toBe(0);
    expect(out.stdout()).toMatch(
      new RegExp(
        `^smoke: 11 of 11 checks passed in \\d+\\.\\d s against ${api.url}/; version 1\\.4\\.2, commit ${COMMIT} answered \\(expected version 1\\.4\\.2, commit 5f7833d\\)\\n$`,
      ),
    );

    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as SmokeResult;
    expect(report.checks.map((c) => [c.name, c.status, c.attempts])).toEqual([
      ['api: GET /healthz answers ok', 'passed', 1],
      ['api: GET /readyz is ready, every check ok', 'passed', 1],
      ['api: GET /metrics exposes http_requests_total', 'passed', 1],
      ['api: GET /version names the build', 'passed', 1],
      [`cors: a preflight from ${api.webOrigin} passes`, 'passed', 1],
      ['cors: a preflight from https://refused.invalid is refused', 'passed', 1],
      ['shop: list products, one in stock', 'passed', 1],
      ['shop: read one product', 'passed', 1],
      ['shop: create an order', 'passed', 1],
      ['shop: start a sandbox payment', 'passed', 1],
      ['shop: cancel the smoke order', 'passed', 1],
    ]);
    expect(report.checks.find((c) => c.name === 'shop: read one product')!.url).toMatch(/\/products\/2$/);
    // The smoke order holds no stock once the run is over.
    expect(await query(api.databaseUrl, 'select status from orders')).toEqual([{ status: 'cancelled' }]);
    expect(await query(api.databaseUrl, "select stock from products where sku = 'MUG-001'")).toEqual([{ stock: 10 }]);

    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(join(dir, 'junit.xml'), 'utf8'),
    ) as {
      testsuites: { testsuite: { tests: string; failures: string; testcase: { name: string; failure?: unknown }[] } };
    };
    expect(junit.testsuites.testsuite).toMatchObject({ tests: '11', failures: '0' });
    expect(junit.testsuites.testsuite.testcase).toHaveLength(11);
    expect(junit.testsuites.testsuite.testcase.every((testcase) => testcase.failure === undefined)).toBe(true);
  });

  it('skips the sandbox payment by tag and still creates the order', async () => {
    const out = cliOutput();
    const code = await runCli(
      [
        '--file',
        apiSmokeFile,
        '--url',
        api.url,
        '--var',
        `storefront=${api.webOrigin}`,
        '--skip-tags',
        'sandbox',
        '--json',
      ],
      out.io,
    );
    expect(code, out.text()).toBe(0);
    const result = JSON.parse(out.stdout()) as SmokeResult;
    expect(result.skipped).toEqual(['shop: start a sandbox payment']);
    expect(result.checks.filter((c) => c.name.startsWith('shop: ')).map((c) => c.name)).toEqual([
      'shop: list products, one in stock',
      'shop: read one product',
      'shop: create an order',
      'shop: cancel the smoke order',
    ]);
  });

  it('runs only the readiness checks with --tags readiness', async () => {
    const out = cliOutput();
    expect(await runCli(['--file', apiSmokeFile, '--url', api.url, '--tags', 'readiness', '--json'], out.io)).toBe(0);
    expect((JSON.parse(out.stdout()) as SmokeResult).checks.map((c) => c.name)).toEqual([
      'api: GET /readyz is ready, every check ok',
    ]);
  });

  it('fails (exit 1) when another build answers, retrying until the deadline, and says who answered', async () => {
    const out = cliOutput();
    const code = await runCli(
      [
        '--file',
        apiSmokeFile,
        '--url',
        api.url,
        '--tags',
        'version',
        '--expect-version',
        '1.5.0',
        '--retries',
        '2',
        '--retry-delay',
        '50',
      ],
      out.io,
    );
    expect(code, out.text()).toBe(1);
    expect(out.stdout()).toContain(
      'failed: api: GET /version names the build (GET ' +
        api.url +
        '/version, 3 attempt(s))\n  - version 1.4.2 answered, expected 1.5.0\n',
    );
    expect(out.stdout()).toMatch(/; version 1\.4\.2, commit 5f7833d\S+ answered \(expected version 1\.5\.0\)\n$/);
  });
});
