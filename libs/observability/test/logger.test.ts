import { describe, expect, it } from 'vitest';
import { createLogger, createScrubber, redactSensitiveKeys } from '../src/index.ts';

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, the level name, base fields and msg', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info', base: { service: 'svc' } }, stream).info({ status: 200 }, 'done');
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      service: 'svc',
      status: 200,
      msg: 'done',
    });
  });

  it('respects the level', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'warn' }, stream);
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });

  it('redacts secret-bearing fields by name at any of the usual depths', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info' }, stream).info(
      {
        req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', 'x-api-key': 'k-1' } },
        user: { password: 'p-1', token: 't-1' },
        password: 'p-2',
        s3: { secretAccessKey: 'sak', accessKeyId: 'akid' },
      },
      'fields',
    );
    const entry = JSON.parse(lines[0]!);
    expect(entry.req.headers).toEqual({ authorization: '***', cookie: '***', 'x-api-key': '***' });
    expect(entry.user).toEqual({ password: '***', token: '***' });
    expect(entry.password).toBe('***');
    expect(entry.s3).toEqual({ secretAccessKey: '***', accessKeyId: '***' });
  });

  it('masks a database password whatever the URL’s shape, through the masking every engine shares', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info', secrets: [] }, stream).error(
      { first: 'shop:pw1234@db:5432/shop', second: 'postgres://u:pa@ss99@h/db', conninfo: 'host=h password=hunter22' },
      'mail joe@example.com about postgres://a:one1@h/x and postgres://b:two2@h/y',
    );
    const line = lines[0]!;
    for (const secret of ['pw1234', 'pa@ss99', 'ss99', 'hunter22', 'one1', 'two2']) expect(line).not.toContain(secret);
    expect(line).toContain('joe@example.com');
    expect(line).toContain('postgres://b:***@h/y');
  });

  it('scrubs configured secret values, credentials and JWTs wherever they appear in a line', () => {
    const { lines, stream } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLWJ5dGVz';
    createLogger({ level: 'info', secrets: ['my-jwt-secret-value', 'S3-SECRET-KEY'] }, stream).error(
      {
        err: new Error('login with my-jwt-secret-value failed'),
        detail: { nested: ['S3-SECRET-KEY'] },
        url: 'postgres://u:pw-9@h/db',
      },
      `header was Bearer ${jwt} and token ${jwt}`,
    );
    const line = lines[0]!;
    for (const secret of ['my-jwt-secret-value', 'S3-SECRET-KEY', jwt, 'pw-9']) expect(line).not.toContain(secret);
    expect(line).toContain('Bearer ***');
    expect(line).toContain('postgres://u:***@h/db');
    expect(JSON.parse(line).err.message).toBe('login with *** failed');
  });
});

describe('createScrubber', () => {
  it('leaves clean lines untouched and ignores secrets too short to be real', () => {
    const scrub = createScrubber(['abc', 'long-secret']);
    expect(scrub('{"msg":"abc is fine"}')).toBe('{"msg":"abc is fine"}');
    expect(scrub('{"msg":"long-secret-extended"}')).toBe('{"msg":"***-extended"}');
  });
});

describe('redactSensitiveKeys', () => {
  it('copies only what it changes and never touches the caller’s object', () => {
    const input = { user: { name: 'ana', Password: 'p' }, list: [{ token: 't' }, { ok: 1 }], clean: { a: 1 } };
    const output = redactSensitiveKeys(input);
    expect(output).toEqual({
      user: { name: 'ana', Password: '***' },
      list: [{ token: '***' }, { ok: 1 }],
      clean: { a: 1 },
    });
    expect(input.user.Password).toBe('p');
    expect(output.clean).toBe(input.clean);
    const flat = { method: 'GET', status: 200 };
    expect(redactSensitiveKeys(flat)).toBe(flat);
  });
});
