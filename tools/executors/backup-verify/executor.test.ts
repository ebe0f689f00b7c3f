import { describe, expect, it } from 'vitest';
import { useBackupWorkspace } from '../../src/testing/backup-workspace.ts';
import backupExecutor from '../backup/executor.ts';
import backupVerifyExecutor from './executor.ts';

describe('backup-verify executor', () => {
  const ws = useBackupWorkspace();

  it('verifies the latest S3 backup with a restore drill, or without one and without a database', async () => {
    const s3 = { destination: 's3://backups/verify', s3Endpoint: ws.s3.endpoint };
    expect(await backupExecutor(s3, ws.context)).toEqual({ success: true });
    expect(await backupVerifyExecutor({ ...s3, json: true }, ws.context)).toEqual({ success: true });
    expect(ws.lastJson()).toMatchObject({ checksum: 'ok', fullRead: 'ok', drill: { ok: true } });

    ws.context.projectsConfigurations.projects.api = { root: 'apps/none' };
    expect(await backupVerifyExecutor({ ...s3, drill: false }, ws.context)).toEqual({ success: true });
    expect(ws.output().stderr).toMatch(
      /verify ok: db_shop_\S+: checksum ok, full read ok, no restore drill \(--no-drill\)/,
    );
  });
});
