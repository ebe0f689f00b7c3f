import { readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackupWorkspace } from '../../src/testing/backup-workspace.ts';
import backupExecutor from '../backup/executor.ts';
import backupListExecutor from './executor.ts';

describe('backup-list executor', () => {
  const ws = useBackupWorkspace();

  it('lists the workspace’s backups as JSON, and a truncated archive as incomplete', async () => {
    expect(await backupExecutor({ compression: 'none' }, ws.context)).toEqual({ success: true });
    expect(await backupListExecutor({ json: true }, ws.context)).toEqual({ success: true });
    expect(ws.lastJson()).toMatchObject([{ database: 'shop', tables: 1 }]);

    const archive = readdirSync(join(ws.root, 'backups')).find((name) => name.endsWith('.dump'))!;
    truncateSync(join(ws.root, 'backups', archive), 100);
    expect(await backupListExecutor({}, ws.context)).toEqual({ success: true });
    expect(ws.output().stderr).toMatch(
      /!! archive is 100 bytes, the manifest says \d+ \(incomplete: truncated or replaced\)/,
    );
    expect(ws.output().stderr).toMatch(/0 complete backups, 1 incomplete/);
  });
});
