import { libpqEnv, type DatabaseTarget } from './database-url.ts';
import { ZSTD_COMPRESS_ARGS, type Compression } from './compression.ts';
import { pgTool } from './pg-tools.ts';
import type { PipelineCommand } from './process-pipeline.ts';

/** `pg_dump -Fc` reading the exported snapshot, followed by zstd when that is the compression. */
export function dumpCommands(
  target: DatabaseTarget,
  snapshotId: string,
  compression: Compression,
  pgBinDir?: string,
): PipelineCommand[] {
  const pgDump: PipelineCommand = {
    label: 'pg_dump',
    file: pgTool('pg_dump', pgBinDir),
    args: [
      '--format=custom',
      ...(compression === 'pg-default' ? [] : ['--compress=0']),
      `--snapshot=${snapshotId}`,
      '--no-password',
      `--dbname=${target.url}`,
    ],
    env: libpqEnv(target),
    remedy: 'check that pg_dump is at least the server version (--pg-bin-dir) and the role may read every table',
  };
  if (compression !== 'zstd') return [pgDump];
  return [
    pgDump,
    { label: 'zstd', file: 'zstd', args: ZSTD_COMPRESS_ARGS, remedy: 'install zstd or use --compression pg-default' },
  ];
}

export function globalsCommand(target: DatabaseTarget, pgBinDir?: string): PipelineCommand {
  return {
    label: 'pg_dumpall',
    file: pgTool('pg_dumpall', pgBinDir),
    args: ['--globals-only', '--no-password', `--dbname=${target.url}`],
    env: libpqEnv(target),
    remedy: 'roles are readable by a superuser only; run with one or leave out --globals',
  };
}
