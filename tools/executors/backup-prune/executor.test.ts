import { describe, expect, it } from 'vitest';
import { useBackupWorkspace } from '../../src/testing/backup-workspace.ts';
import backupExecutor from '../backup/executor.ts';
import backupPruneExecutor from './executor.ts';

describe('backup-prune executor', () => {
  const ws = useBackupWorkspace();

  it('only reports without apply, then deletes what the policy does not keep', async () => {
    const s3 = { destination: 's3://backups/prune', s3Endpoint: ws.s3.endpoint };
    for (let i = 0; i < 2; i++) expect(await backupExecutor(s3, ws.context)).toEqual({ success: true });
    const zeros = { keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };
    expect(await backupPruneExecutor({ ...s3, ...zeros }, ws.context)).toEqual({ success: true });
    expect(ws.output().stderr).toMatch(/prune: keep 1, would delete \(run with --apply to delete\) 1, left alone 0/);
    expect(await backupPruneExecutor({ ...s3, ...zeros, apply: true, json: true }, ws.context)).toEqual({
      success: true,
    });
    expect(ws.lastJson()).toMatchObject({ applied: true, keep: [{ reasons: ['newest'] }], remove: [{}] });
  });
});
