import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateCommand, type MigrateIo } from '../src/index.ts';
import { dbmate, migrationDir } from './migration-dir.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

function capture(): MigrateIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text), env: {} };
}

describe('runMigrateCommand: the typed API both hosts call', () => {
  it('runs a command, prints what the CLI prints and returns the exit code, summary and document', async () => {
    const url = await pg.createDatabase();
    const dir = await migrationDir({ '20260101000000_create_tags.sql': dbmate('CREATE TABLE tags (id int);') });
    const io = capture();
    const outcome = await runMigrateCommand('up', { url, dir }, io);
    expect(outcome).toMatchObject({ exitCode: 0, summary: 'applied 1 migration' });
    expect((outcome.json as { applied: { version: string }[] }).applied.map((m) => m.version)).toEqual([
      '20260101000000',
    ]);
    expect(io.out.join('')).toBe('applied 1 migration\n');
    expect(io.err.join('')).toMatch(/^applied 20260101000000_create_tags \(\d+ ms\)\n$/);

    const status = capture();
    const pending = await runMigrateCommand('status', { url, dir, exitCode: true, json: true }, status);
    expect(pending.exitCode).toBe(0);
    expect(JSON.parse(status.out.join(''))).toMatchObject({ pending: [], dirty: [] });
  });

  it('reports bad options and missing arguments as usage errors (exit 2) with a remedy, password masked', async () => {
    const io = capture();
    const url = 'postgres://app:hunter2@127.0.0.1:1/shop';
    const bad = await runMigrateCommand('down', { url, dir: 'migrations', steps: 0 }, io);
    expect(bad.exitCode).toBe(2);
    expect(io.err.join('')).toBe(
      'migrate: invalid option: --steps: Too small: expected number to be >0\n  remedy: see migrate --help\n',
    );
    const force = capture();
    expect((await runMigrateCommand('force', { url }, force)).exitCode).toBe(2);
    expect(force.err.join('')).toContain('migrate: force needs a version\n  remedy: migrate force <version>');
    const unreachable = capture();
    const failed = await runMigrateCommand('status', { url, dir: await migrationDir() }, unreachable);
    expect(failed).toMatchObject({
      exitCode: 1,
      json: { error: { message: expect.stringContaining('cannot connect') } },
    });
    expect(unreachable.err.join('')).not.toContain('hunter2');
  });
});
