import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@shopops/local-servers';
import { scratchDir } from '@shopops/testing';
import { runCli, type SmokeResult } from '../src/index.ts';
import { cliOutput } from './support/cli-output.ts';
import { selfSignedCertificate, sendJson, startServer, type TestServer } from './support/servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

function smokeFile(yaml: string): string {
  const path = join(scratchDir('smoke-file-'), 'smoke.yaml');
  writeFileSync(path, yaml);
  return path;
}

async function run(argv: string[], options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const out = cliOutput({ tty: options.tty });
  Object.assign(out.io.env!, options.env ?? {});
  const code = await runCli(argv, out.io);
  return { code, ...out };
}

const junitOf = (path: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(
    readFileSync(path, 'utf8'),
  ) as {
    testsuites: {
      testsuite: {
        tests: string;
        failures: string;
        errors: string;
        testcase: { name: string; failure?: { message: string; '#text': string }; error?: { message: string } }[];
      };
    };
  };

describe('retries', () => {
  it('passes a check that answers 503 twice, then 200, and the report says it took 3 attempts', async () => {
    const server = await startServer((_req, res, seen) =>
      seen <= 2 ? sendJson(res, 503, { status: 'starting' }) : sendJson(res, 200, { status: 'ok' }),
    );
    servers.push(server);
    const file = smokeFile(
      `checks:\n  - name: warm up\n    path: /healthz\n    assert: { json: { $.status: { equals: ok } } }\n`,
    );
    const dir = scratchDir('smoke-report-');
    const { code, text } = await run([
      '--file',
      file,
      '--url',
      server.url,
      '--retry-delay',
      '20',
      '--report',
      join(dir, 'r.json'),
      '--junit',
      join(dir, 'j.xml'),
    ]);
    expect(code, text()).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as SmokeResult;
    expect(report.checks[0]).toMatchObject({
      name: 'warm up',
      status: 'passed',
      attempts: 3,
      httpStatus: 200,
      failures: [],
    });
    expect(report.checks[0]!.latencyMs).toEqual(expect.any(Number));
    expect(server.requests).toHaveLength(3);
    expect(junitOf(join(dir, 'j.xml')).testsuites.testsuite).toMatchObject({ tests: '1', failures: '0', errors: '0' });
  });

  it('gives up at the overall deadline', async () => {
    const server = await startServer((_req, res) => sendJson(res, 503, {}));
    servers.push(server);
    const file = smokeFile(`checks:\n  - { name: never ready, path: /readyz }\n`);
    const { code, stdout } = await run([
      '--file',
      file,
      '--url',
      server.url,
      '--retries',
      '100',
      '--retry-delay',
      '50',
      '--deadline',
      '400',
    ]);
    // The target answered (503), so the verdict is the assertion's, however the deadline cut the last try.
    expect(code).toBe(1);
    expect(stdout()).toContain('  - status 503, expected 200\n');
    // 50 + 100 + 200 ms of backoff fit in 400 ms, the next 400 do not: at most four of the 101 allowed.
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(server.requests.length).toBeLessThanOrEqual(4);
  });
});

describe('unreachable targets: exit 2', () => {
  it('a port nobody listens on', async () => {
    const port = await freePort();
    const file = smokeFile(`checks:\n  - { name: healthz, path: /healthz }\n  - { name: readyz, path: /readyz }\n`);
    const junit = join(scratchDir('smoke-junit-'), 'junit.xml');
    const { code, stdout } = await run([
      '--file',
      file,
      '--url',
      `http://127.0.0.1:${port}`,
      '--retries',
      '1',
      '--retry-delay',
      '10',
      '--junit',
      junit,
    ]);
    expect(code).toBe(2);
    expect(stdout()).toContain(
      `unreachable: healthz (GET http://127.0.0.1:${port}/healthz, 2 attempt(s))\n  - connection refused by 127.0.0.1:${port}\n`,
    );
    expect(stdout()).toMatch(/^smoke: 2 of 2 checks failed \(2 unreachable\) in/m);
    const suite = junitOf(junit).testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '2', failures: '0', errors: '2' });
    expect(suite.testcase.map((t) => t.error?.message)).toEqual([
      `connection refused by 127.0.0.1:${port}`,
      `connection refused by 127.0.0.1:${port}`,
    ]);
  });

  it('a server slower than --timeout', async () => {
    const server = await startServer((_req, res) => setTimeout(() => sendJson(res, 200, {}), 1_000));
    servers.push(server);
    const file = smokeFile(`checks:\n  - { name: slow, path: /slow }\n`);
    const { code, stdout } = await run(['--file', file, '--url', server.url, '--timeout', '100', '--retries', '0']);
    expect(code).toBe(2);
    expect(stdout()).toContain('  - 127.0.0.1:');
    expect(stdout()).toContain('no answer within 100 ms');
  });
});

describe('assertions: exit 1, every failure listed', () => {
  it('an old version answering, against the image docker-build recorded', async () => {
    const server = await startServer((_req, res) =>
      sendJson(res, 200, { version: '1.3.0', commit: 'aaaaaaa1111', buildTime: 'x' }),
    );
    servers.push(server);
    const image = join(scratchDir('smoke-image-'), 'image.json');
    writeFileSync(
      image,
      JSON.stringify({
        image: 'registry.example/shop/api:1.4.0',
        labels: { 'org.opencontainers.image.version': '1.4.0', 'org.opencontainers.image.revision': 'bbbbbbb2222333' },
      }),
    );
    const file = smokeFile(`include: [api]\n`);
    const { code, stdout } = await run([
      '--file',
      file,
      '--url',
      server.url,
      '--tags',
      'version',
      '--expect-image',
      image,
      '--retries',
      '0',
    ]);
    expect(code).toBe(1);
    expect(stdout()).toContain(
      '  - version 1.3.0 answered, expected 1.4.0 (from registry.example/shop/api:1.4.0)\n  - commit aaaaaaa1111 answered, expected bbbbbbb2222333 (from registry.example/shop/api:1.4.0)\n',
    );
    expect(stdout()).toMatch(
      /; version 1\.3\.0, commit aaaaaaa1111 answered \(expected version 1\.4\.0, commit bbbbbbb2222333\)\n$/,
    );
  });

  it('a slow endpoint over its response time budget', async () => {
    const server = await startServer((_req, res) => setTimeout(() => sendJson(res, 200, { ok: true }), 300));
    servers.push(server);
    const file = smokeFile(`checks:\n  - name: budget\n    path: /slow\n    assert: { maxMs: 100 }\n`);
    const { code, stdout } = await run(['--file', file, '--url', server.url, '--retries', '0']);
    expect(code).toBe(1);
    expect(stdout()).toMatch(/ {2}- took \d+ ms, over the budget of 100 ms\n/);
  });

  it('lists every failed assertion of a check, not just the first', async () => {
    const server = await startServer((_req, res) =>
      sendJson(res, 500, { status: 'degraded', items: [1, 2], total: 0 }, { 'x-frame-options': 'SAMEORIGIN' }),
    );
    servers.push(server);
    const file = smokeFile(
      [
        'checks:',
        '  - name: many',
        '    path: /products',
        '    assert:',
        '      headers:',
        '        x-frame-options: { equals: DENY }',
        '        content-security-policy: { exists: true }',
        '      json:',
        '        $.status: { equals: ok }',
        '        $.items[*]: { count: 3 }',
        '        $.total: { greater: 0 }',
        '      body: { contains: [degraded, catalogue] }',
      ].join('\n'),
    );
    const { code, stdout } = await run(['--file', file, '--url', server.url, '--retries', '0']);
    expect(code).toBe(1);
    expect(stdout()).toContain(
      [
        '  - status 500, expected 200',
        '  - header x-frame-options is "SAMEORIGIN", expected "DENY"',
        '  - header content-security-policy is missing',
        '  - $.status is "degraded", expected "ok"',
        '  - $.items[*] selects 2 value(s), expected 3',
        '  - $.total is 0, expected a number > 0',
        '  - body does not contain "catalogue"',
      ].join('\n'),
    );
  });
});

describe('TLS certificates', () => {
  it('fails a certificate that expires in 3 days against a 14-day minimum, passes at 2', async () => {
    const dir = scratchDir('smoke-tls-');
    const { key, cert, certFile } = await selfSignedCertificate(dir, 3);
    const server = await startServer((_req, res) => sendJson(res, 200, { status: 'ok' }), { key, cert });
    servers.push(server);
    const file = (days: number) =>
      smokeFile(`checks:\n  - name: certificate\n    path: /healthz\n    assert: { tlsValidDays: ${days} }\n`);
    const failing = await run(['--file', file(14), '--url', server.url, '--ca-file', certFile, '--retries', '0']);
    expect(failing.code, failing.text()).toBe(1);
    expect(failing.stdout()).toMatch(/ {2}- TLS certificate expires \S+, in 2 day\(s\); at least 14 required\n/);
    const passing = await run(['--file', file(2), '--url', server.url, '--ca-file', certFile]);
    expect(passing.code, passing.text()).toBe(0);
  });

  it('cannot complete a handshake with a certificate nobody vouches for: exit 2', async () => {
    const { key, cert } = await selfSignedCertificate(scratchDir('smoke-tls-'), 30);
    const server = await startServer((_req, res) => sendJson(res, 200, {}), { key, cert });
    servers.push(server);
    const file = smokeFile(`checks:\n  - { name: handshake, path: / }\n`);
    const { code, stdout } = await run(['--file', file, '--url', server.url, '--retries', '0']);
    expect(code).toBe(2);
    expect(stdout()).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('secrets', () => {
  it('masks the Authorization header, secret-looking variables and secret captures in every output', async () => {
    const token = 'tok_9f8e7d6c5b4a39281706';
    const session = 'sess_0a1b2c3d4e5f60718293';
    const server = await startServer((req, res) =>
      req.url === '/login'
        ? sendJson(res, 200, { session })
        : sendJson(res, 403, { seen: req.headers.authorization, session: req.headers['x-session'] }),
    );
    servers.push(server);
    const file = smokeFile(
      [
        'headers:',
        '  authorization: Bearer {{ env.ADMIN_TOKEN }}',
        'checks:',
        '  - name: login',
        '    path: /login',
        '    capture:',
        '      session: { jsonpath: $.session, secret: true }',
        '  - name: admin',
        '    path: /admin',
        '    headers: { x-session: "{{ captured.session }}" }',
        '    assert:',
        '      json:',
        '        $.seen: { equals: nobody }',
        '        $.session: { equals: none }',
      ].join('\n'),
    );
    const dir = scratchDir('smoke-secrets-');
    const { code, stdout, stderr } = await run(
      [
        '--file',
        file,
        '--url',
        server.url,
        '--retries',
        '1',
        '--retry-delay',
        '10',
        '--junit',
        join(dir, 'j.xml'),
        '--report',
        join(dir, 'r.json'),
      ],
      { tty: true, env: { ADMIN_TOKEN: token } },
    );
    expect(code).toBe(1);
    expect(server.requests.at(-1)!.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-session': session });
    const outputs = [
      stdout(),
      stderr(),
      readFileSync(join(dir, 'j.xml'), 'utf8'),
      readFileSync(join(dir, 'r.json'), 'utf8'),
    ];
    for (const output of outputs) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(session);
    }
    expect(stdout()).toContain('  - $.seen is "***", expected "nobody"\n  - $.session is "***", expected "none"\n');
  });
});

describe('targeting and progress', () => {
  it('sends --header with every request and shows progress per check on a TTY only', async () => {
    const server = await startServer((_req, res) => sendJson(res, 200, {}));
    servers.push(server);
    const file = smokeFile(`checks:\n  - { name: one, path: /a }\n  - { name: two, path: /b }\n`);
    const argv = [
      '--file',
      file,
      '--url',
      server.url,
      '--header',
      'fly-force-instance-id: 3d8d9e1b2c4e89',
      '--concurrency',
      '1',
    ];
    const onTty = await run(argv, { tty: true });
    expect(onTty.code).toBe(0);
    expect(onTty.stderr()).toBe('✓ one\n✓ two\n');
    const inCi = await run(argv);
    expect(inCi.stderr()).toBe('');
    expect(server.requests.map((r) => r.headers['fly-force-instance-id'])).toEqual(Array(4).fill('3d8d9e1b2c4e89'));
  });

  it('does not run a check whose capture did not come', async () => {
    const server = await startServer((req, res) =>
      req.url === '/orders' ? sendJson(res, 500, {}) : sendJson(res, 200, {}),
    );
    servers.push(server);
    const file = smokeFile(
      `checks:\n  - name: create\n    path: /orders\n    capture: { orderId: $.id }\n  - name: read\n    path: /orders/{{ captured.orderId }}\n`,
    );
    const { code, stdout } = await run(['--file', file, '--url', server.url, '--retries', '0']);
    expect(code).toBe(1);
    expect(stdout()).toContain(
      'failed: read (GET /orders/{{ captured.orderId }}, 0 attempt(s))\n  - not run: it uses a capture of "create", which did not pass\n',
    );
    expect(server.requests.map((r) => r.url)).toEqual(['/orders']);
  });

  it('runs an after: clean-up once the check it names has finished, though that one failed', async () => {
    // The payment answers slowly and fails: were the clean-up not waiting, it would be sent first.
    const server = await startServer((req, res) => {
      if (req.url === '/orders') return sendJson(res, 201, { id: 'o-1' });
      if (req.url === '/orders/o-1/payments') return void setTimeout(() => sendJson(res, 502, {}), 200);
      sendJson(res, 200, { status: 'cancelled' });
    });
    servers.push(server);
    const file = smokeFile(
      [
        'checks:',
        '  - { name: create, method: POST, path: /orders, status: 201, capture: { orderId: $.id } }',
        '  - { name: pay, method: POST, path: "/orders/{{ captured.orderId }}/payments", status: 201 }',
        '  - name: cancel',
        '    method: POST',
        '    path: /orders/{{ captured.orderId }}/cancel',
        '    after: [pay]',
        '    assert: { json: { $.status: { equals: cancelled } } }',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await run(['--file', file, '--url', server.url, '--retries', '0', '--json']);
    expect(code).toBe(1);
    const result = JSON.parse(stdout()) as SmokeResult;
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['create', 'passed'],
      ['pay', 'failed'],
      ['cancel', 'passed'],
    ]);
    expect(server.requests.map((r) => r.url)).toEqual(['/orders', '/orders/o-1/payments', '/orders/o-1/cancel']);

    // Left out by --skip-tags, the named check is not waited for.
    const skipping = smokeFile(
      'checks:\n  - { name: pay, path: /pay, tags: [sandbox] }\n  - { name: cancel, path: /cancel, after: [pay] }\n',
    );
    const skipped = await run(['--file', skipping, '--url', server.url, '--skip-tags', 'sandbox', '--json']);
    expect(skipped.code).toBe(0);
    expect((JSON.parse(skipped.stdout()) as SmokeResult).skipped).toEqual(['pay']);
  });
});
