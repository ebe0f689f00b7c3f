import { describe, expect, it } from 'vitest';
import { query } from '@shopops/testing';
import { useBackupWorkspace } from '../../src/testing/backup-workspace.ts';
import backupExecutor from '../backup/executor.ts';
import restoreExecutor from './executor.ts';

describe('restore executor against a real Postgres and S3 server', () => {
  const ws = useBackupWorkspace();
  const onServer = (database: string) => {
    const url = new URL(ws.source);
    url.pathname = `/${database}`;
    return url.toString();
  };

  it('restores into --database on the server of .env.dev, then over it by a swap', async () => {
    const s3 = { destination: 's3://backups/restore', s3Endpoint: ws.s3.endpoint };
    expect(await backupExecutor(s3, ws.context)).toEqual({ success: true });
    expect(await restoreExecutor({ ...s3, database: 'shop_restored', jobs: 2 }, ws.context)).toEqual({
      success: true,
    });
    expect(ws.output().stderr).toMatch(/restore ok: db_shop_\S+ into shop_restored \(created\), 1 table matches/);
    expect(
      await restoreExecutor({ ...s3, database: 'shop_restored', keepPrevious: 0, json: true }, ws.context),
    ).toEqual({ success: true });
    expect(ws.lastJson()).toMatchObject({ method: 'swapped', before: { tables: 1, rows: 500 }, keptPrevious: [] });
    expect(await query(onServer('shop_restored'), 'select count(*)::int as n from products')).toEqual([{ n: 500 }]);
  });

  it('refuses a protected database without confirm, and another database’s data without force', async () => {
    expect(await backupExecutor({}, ws.context)).toEqual({ success: true });
    expect(await restoreExecutor({ protectedDatabases: ['shop'] }, ws.context)).toEqual({ success: false });
    expect(ws.output().stderr).toContain('remedy: pass --confirm=shop if you really mean to overwrite it');

    await query(onServer('postgres'), 'create database orders');
    await query(onServer('orders'), 'create table invoices (id int); insert into invoices values (1)');
    expect(await restoreExecutor({ database: 'orders' }, ws.context)).toEqual({ success: false });
    expect(ws.output().stderr).toMatch(/restore: refusing to restore db_shop_\S+ over .*orders: it holds 1 table/);
    expect(await query(onServer('orders'), 'select count(*)::int as n from invoices')).toEqual([{ n: 1 }]);
  });

  it('rejects bad options by name before anything is touched', async () => {
    expect(await restoreExecutor({ jobs: 0, keepPrevious: -1 }, ws.context)).toEqual({ success: false });
    expect(ws.output().stderr).toMatch(
      /restore: invalid options for restore: --jobs: Too small.*; --keepPrevious: Too small/,
    );
  });
});
