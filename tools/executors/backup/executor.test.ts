import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackupWorkspace } from '../../src/testing/backup-workspace.ts';
import backupExecutor from './executor.ts';

describe('backup executor against a real Postgres and S3 server', () => {
  const ws = useBackupWorkspace();

  it('backs up the database of apps/api/.env.dev into backups/ in the workspace, saying which database', async () => {
    expect(await backupExecutor({}, ws.context)).toEqual({ success: true });
    expect(ws.output().stderr).toMatch(
      /backup: database postgres:\/\/postgres@127\.0\.0\.1:\d+\/shop \(from apps\/api\/\.env\.dev\)/,
    );
    const files = readdirSync(join(ws.root, 'backups'));
    expect(files).toHaveLength(2);
    expect(files.some((name) => /^db_shop_\d{8}_\d{4}\.manifest\.json$/.test(name))).toBe(true);
  });

  it('backs up to S3 with verify, and writes the metrics file relative to the workspace', async () => {
    const options = { destination: 's3://backups/executors', s3Endpoint: ws.s3.endpoint, verify: true };
    expect(await backupExecutor({ ...options, metricsFile: 'backup.prom', json: true }, ws.context)).toEqual({
      success: true,
    });
    expect(ws.output().stderr).toMatch(/public\.products\s+500\s+500\s+ok/);
    expect(ws.lastJson()).toMatchObject({
      backup: { manifest: { database: 'shop' } },
      verify: { drill: { ok: true } },
    });
    expect(readFileSync(join(ws.root, 'backup.prom'), 'utf8')).toMatch(
      /^backup_last_verified_timestamp_seconds\{database="shop"\} \d/m,
    );
  });

  it('warns, without echoing it, when --url carries the password Nx would print', async () => {
    const url = new URL(ws.source);
    url.password = 'hunter22';
    expect(await backupExecutor({ url: url.toString() }, ws.context)).toEqual({ success: true });
    const { stderr } = ws.output();
    expect(stderr).toContain('backup: warning: --url carries a password, and Nx prints the command line');
    expect(stderr).not.toContain('hunter22');
  });

  it('rejects an unknown env project and a missing .env file, touching nothing', async () => {
    expect(await backupExecutor({ envProject: 'nope' }, ws.context)).toEqual({ success: false });
    expect(ws.output().stderr).toContain("backup: --envProject: no project named 'nope' in this workspace");
    expect(await backupExecutor({ env: 'prod' }, ws.context)).toEqual({ success: false });
    expect(ws.output().stderr).toContain('apps/api/.env.prod does not exist');
    expect(readdirSync(ws.root)).toEqual(['apps']);
  });
});
