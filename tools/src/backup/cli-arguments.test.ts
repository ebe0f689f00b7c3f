import { describe, expect, it } from 'vitest';
import { toBackupCliArguments } from './cli-arguments.ts';

describe('toBackupCliArguments', () => {
  it('passes values and flags under the CLI’s names, and the resolved URL first', () => {
    expect(
      toBackupCliArguments(
        'backup',
        {
          destination: 's3://b/p',
          s3Endpoint: 'http://127.0.0.1:9000',
          compression: 'zstd',
          verify: true,
          keepDaily: 14,
          json: true,
        },
        'postgres://app@db/shop',
      ),
    ).toEqual([
      'backup',
      '--url',
      'postgres://app@db/shop',
      '--destination',
      's3://b/p',
      '--s3-endpoint',
      'http://127.0.0.1:9000',
      '--compression',
      'zstd',
      '--keep-daily',
      '14',
      '--verify',
      '--json',
    ]);
  });

  it('joins protection lists, turns drill off and leaves out what is unset or false', () => {
    expect(
      toBackupCliArguments('restore', {
        protectedHosts: ['db.prod', 'db2.prod'],
        confirm: 'shop',
        safetyBackup: false,
      }),
    ).toEqual(['restore', '--confirm', 'shop', '--protected-hosts', 'db.prod,db2.prod']);
    expect(toBackupCliArguments('verify', { drill: false, backup: 'latest', jobs: 4 })).toEqual([
      'verify',
      '--backup',
      'latest',
      '--jobs',
      '4',
      '--no-drill',
    ]);
  });
});
