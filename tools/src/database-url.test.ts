import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDatabaseUrl } from './database-url.ts';

describe('resolveDatabaseUrl', () => {
  let workspaceRoot = '';
  const projectRoot = 'apps/api';
  const envFile = (env: string, content: string) =>
    writeFileSync(join(workspaceRoot, projectRoot, `.env.${env}`), content);

  beforeEach(() => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'db-url-'));
    mkdirSync(join(workspaceRoot, projectRoot), { recursive: true });
    envFile('dev', 'PORT=8080\nDATABASE_URL=postgres://dev@127.0.0.1/dev\n');
    envFile('staging', 'DATABASE_URL="postgres://app:s3cret@staging.internal/shop"\n');
  });
  afterEach(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  const resolve = (options: { url?: string; env?: string }, environment: NodeJS.ProcessEnv = {}) =>
    resolveDatabaseUrl({ ...options, projectRoot, workspaceRoot, environment });

  it('prefers --url, then DATABASE_URL, then the .env file of $ENV or dev', () => {
    const environment = { DATABASE_URL: 'postgres://env@127.0.0.1/env' };
    expect(resolve({ url: 'postgres://opt@127.0.0.1/opt' }, environment)).toEqual({
      url: 'postgres://opt@127.0.0.1/opt',
      source: '--url',
    });
    expect(resolve({}, environment)).toEqual({ url: 'postgres://env@127.0.0.1/env', source: 'DATABASE_URL' });
    expect(resolve({})).toEqual({ url: 'postgres://dev@127.0.0.1/dev', source: 'apps/api/.env.dev' });
    expect(resolve({}, { ENV: 'staging' }).source).toBe('apps/api/.env.staging');
  });

  it('gives an explicit --env its file even when DATABASE_URL is exported', () => {
    const resolved = resolve({ env: 'staging' }, { DATABASE_URL: 'postgres://local@127.0.0.1/local' });
    expect(resolved).toEqual({ url: 'postgres://app:s3cret@staging.internal/shop', source: 'apps/api/.env.staging' });
  });

  it('warns, without echoing it, when the password came on the command line that Nx prints', () => {
    const resolved = resolve({ url: 'postgres://app:hunter22@127.0.0.1/shop' });
    expect(resolved.warning).toBe(
      '--url carries a password, and Nx prints the command line of every task it runs: pass it through DATABASE_URL or the `.env.<env>` file instead',
    );
    expect(resolved.warning).not.toContain('hunter22');
    expect(resolve({ url: 'postgres://app@127.0.0.1/shop' }).warning).toBeUndefined();
    expect(resolve({}, { DATABASE_URL: 'postgres://app:hunter22@127.0.0.1/shop' }).warning).toBeUndefined();
  });

  it('refuses --url together with --env', () => {
    expect(() => resolve({ url: 'postgres://x@127.0.0.1/x', env: 'staging' })).toThrow(/both --url and --env/);
  });

  it('says which file is missing or lacks the variable, and the remedy', () => {
    expect(() => resolve({ env: 'prod' })).toThrow(
      'no database URL: apps/api/.env.prod does not exist; pass --url, export DATABASE_URL, or add DATABASE_URL to that file',
    );
    envFile('qa', 'PORT=1\n');
    expect(() => resolve({ env: 'qa' })).toThrow(/apps\/api\/.env.qa has no DATABASE_URL/);
  });
});
