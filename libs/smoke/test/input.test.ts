import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { runCli } from '../src/index.ts';
import { fileJsonSchemaText, FILE_JSON_SCHEMA_PATH } from '../src/file/json-schema.ts';
import { cliOutput } from './support/cli-output.ts';
import { sendJson, startServer, type TestServer } from './support/servers.ts';

// Every mistake is found before the first request: the server must see nothing.
let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res) => sendJson(res, 200, {}));
});
afterAll(() => server?.stop());

async function runFile(yaml: string, extra: string[] = [], name = 'smoke.yaml') {
  const dir = scratchDir('smoke-input-');
  const file = join(dir, name);
  writeFileSync(file, yaml);
  const out = cliOutput();
  const code = await runCli(['--file', file, '--url', server.url, ...extra], out.io);
  return {
    code,
    stderr: out
      .stderr()
      .replaceAll(`${dir}/`, '')
      .replace(/\S*smoke-input-\S*\//g, ''),
    stdout: out.stdout(),
  };
}

describe('bad input: exit 64 with file, line and remedy, nothing sent', () => {
  it.each([
    [
      'an unknown key',
      'checks:\n  - name: a\n    path: /a\n    expect_status: 200\n',
      'smoke.yaml:4: checks[0]: unknown key "expect_status"',
      'fix the smoke file; its JSON Schema (smoke-file.schema.json in @shopops/smoke) lists every key',
    ],
    [
      'a bad JSONPath',
      'checks:\n  - name: a\n    path: /a\n    assert:\n      json:\n        "$.items[0": { exists: true }\n',
      'smoke.yaml:6: check "a": bad JSONPath "$.items[0": an unclosed [',
      'write a JSONPath such as $.items[0].id (jsonpath-plus syntax)',
    ],
    [
      'a JSONPath filter that does not compile',
      'checks:\n  - name: a\n    path: /a\n    capture:\n      id: "$.items[?(@.stock >)].id"\n',
      'smoke.yaml:5: check "a": bad JSONPath "$.items[?(@.stock >)].id": the filter [?(@.stock >)] does not compile',
      'write a JSONPath',
    ],
    [
      'a regex that does not compile',
      'checks:\n  - name: a\n    path: /a\n    assert:\n      headers:\n        cache-control: { matches: "max-age=(\\\\d+" }\n',
      'smoke.yaml:6: check "a": assert.headers.cache-control.matches: the regular expression does not compile',
      'write a JavaScript regular expression',
    ],
    [
      'a capture used before it is set',
      'checks:\n  - name: read\n    path: /orders/{{ captured.orderId }}\n  - name: create\n    path: /orders\n    capture: { orderId: $.id }\n',
      'smoke.yaml:3: check "read": {{ captured.orderId }}: used before any check captures orderId',
      'capture orderId in an earlier check (capture: { orderId: $.path })',
    ],
    [
      'an environment variable that is not set',
      'checks:\n  - name: admin\n    path: /admin\n    headers: { authorization: "Bearer {{ env.SMOKE_TEST_UNSET_TOKEN }}" }\n',
      'smoke.yaml:4: check "admin": {{ env.SMOKE_TEST_UNSET_TOKEN }}: SMOKE_TEST_UNSET_TOKEN is not set in the environment',
      'set SMOKE_TEST_UNSET_TOKEN, or leave this check out with --skip-tags',
    ],
    [
      'an after: naming no earlier check',
      'checks:\n  - name: cancel\n    path: /cancel\n    after: [pay]\n  - name: pay\n    path: /pay\n',
      'smoke.yaml:4: check "cancel": after "pay": no earlier check has that name',
      'name a check above this one, exactly as its name: reads',
    ],
    ['broken YAML', 'checks:\n  - name: a\n    path: /a\n   status: 200\n', 'smoke.yaml:4:', 'fix the YAML syntax'],
  ])('%s', async (_what, yaml, where, remedy) => {
    const before = server.requests.length;
    const { code, stderr, stdout } = await runFile(yaml);
    expect(code).toBe(64);
    expect(stderr).toContain(`smoke: ${where}`);
    expect(stderr).toContain(`  remedy: ${remedy}`);
    expect(stdout).toBe('');
    expect(server.requests.length).toBe(before);
  });

  it('names every problem of a file at once, in line order, JSON files too', async () => {
    const json = JSON.stringify(
      {
        checks: [
          { name: 'a', path: '/a', colour: 'blue' },
          { name: 'b', path: '/b', status: 'ok' },
        ],
      },
      null,
      2,
    );
    const { code, stderr } = await runFile(json, [], 'smoke.json');
    expect(code).toBe(64);
    const lines = stderr.split('\n').filter((line) => line.startsWith('smoke: '));
    expect(lines).toEqual([
      'smoke: smoke.json:6: checks[0]: unknown key "colour"',
      'smoke: smoke.json:11: checks[1].status: expected a status code (100–599) or a list of them',
    ]);
  });

  it('refuses a base URL that is not http(s), and an invalid option', async () => {
    const ftp = await runFile('checks: [{ name: a, path: /a }]\n', ['--url', 'ftp://files.example']);
    expect(ftp.code).toBe(64);
    expect(ftp.stderr).toContain(
      'smoke: --url "ftp" URL: only http and https can be checked\n  remedy: give an http:// or https:// URL',
    );
    const option = await runFile('checks: [{ name: a, path: /a }]\n', ['--concurrency', 'lots']);
    expect(option.code).toBe(64);
    expect(option.stderr).toContain("smoke: --concurrency must be a number, got 'lots'");
    const unknown = await runFile('checks: [{ name: a, path: /a }]\n', ['--colour']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("smoke: unknown option '--colour'");
  });

  it('needs a check that reads the build to compare --expect-version', async () => {
    const { code, stderr } = await runFile('checks: [{ name: a, path: /a }]\n', ['--expect-version', '1.0.0']);
    expect(code).toBe(64);
    expect(stderr).toContain('need a check that reads the build');
  });
});

describe('the smoke file JSON Schema', () => {
  it('ships generated from the zod schema and up to date (npx nx run smoke:file-schema)', () => {
    expect(JSON.parse(readFileSync(FILE_JSON_SCHEMA_PATH, 'utf8'))).toEqual(JSON.parse(fileJsonSchemaText()));
  });

  it('prints --help on stdout with every option', async () => {
    const out = cliOutput();
    expect(await runCli(['--help'], out.io)).toBe(0);
    for (const flag of [
      '--url',
      '--tags',
      '--skip-tags',
      '--expect-image',
      '--header',
      '--concurrency',
      '--timeout',
      '--deadline',
      '--junit',
      '--json',
    ])
      expect(out.stdout()).toContain(`  ${flag} `);
    expect(out.stdout()).toContain('64 the smoke file or an option is invalid');
  });
});
