import { execa } from 'execa';
import { connectionString, libpqEnv, type DatabaseTarget } from './database-url.ts';
import { BackupError } from './errors.ts';
import { maskSecrets } from './mask.ts';
import { pgTool } from './pg-tools.ts';
import { runPipeline } from './process-pipeline.ts';
import { rowCountCheckSql } from './row-count-check.ts';
import { summarizeStderr } from './stderr-summary.ts';

const REMEDY =
  'fix the cause above (often a missing role, extension or a pg_restore older than the dump) and restore again';

/** Reads every byte of the archive (pg_restore to /dev/null): catches damage --list would not. */
export async function readWholeArchive(path: string, label: string, pgBinDir?: string): Promise<void> {
  const result = await execa(pgTool('pg_restore', pgBinDir), ['--file=/dev/null', path], { reject: false });
  if (result.exitCode !== 0) {
    throw new BackupError(`archive ${label} is unreadable: ${summarizeStderr(result.stderr) || result.shortMessage}`, {
      remedy: 'the archive is damaged; restore an older backup (list shows them)',
    });
  }
}

/** pg_restore -j N into an empty database (new or scratch); stops at the first error. */
export async function restoreArchive(
  target: DatabaseTarget,
  path: string,
  options: { jobs: number; pgBinDir?: string },
): Promise<void> {
  const args = ['--no-owner', '--exit-on-error', `--jobs=${options.jobs}`, '--no-password', `--dbname=${target.url}`];
  const result = await execa(pgTool('pg_restore', options.pgBinDir), [...args, path], {
    env: libpqEnv(target),
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new BackupError(maskSecrets(`pg_restore into ${target.display} failed: ${summarizeStderr(result.stderr)}`), {
      remedy: REMEDY,
    });
  }
}

/**
 * Replaces the target's objects in ONE transaction, for roles that cannot build a scratch database:
 * `pg_restore --clean` as SQL into `psql --single-transaction`, followed by a row-count check against
 * the manifest inside the same transaction, so a failure or a mismatch rolls everything back.
 */
export async function restoreInOneTransaction(
  target: DatabaseTarget,
  path: string,
  expectedTables: Record<string, number>,
  pgBinDir?: string,
): Promise<void> {
  const sql = ['--clean', '--if-exists', '--no-owner', '--file=-', path];
  const psql = ['-X', '--quiet', '--no-psqlrc', '--single-transaction', '--set=ON_ERROR_STOP=1', '--no-password'];
  const check = ['--file=-', `--command=${rowCountCheckSql(expectedTables)}`];
  const pipeline = runPipeline(
    [
      { label: 'pg_restore', file: pgTool('pg_restore', pgBinDir), args: sql, remedy: REMEDY },
      {
        label: 'psql',
        file: pgTool('psql', pgBinDir),
        args: [...psql, ...check, `--dbname=${connectionString({ ...target, password: undefined })}`],
        env: libpqEnv(target),
        remedy: REMEDY,
      },
    ],
    { sink: true },
  );
  try {
    await pipeline.done;
  } catch (error) {
    const message = error instanceof BackupError ? error.message : String(error);
    throw new BackupError(
      maskSecrets(`restore into ${target.display} failed and was rolled back, the target is as it was: ${message}`),
      { remedy: (error as BackupError).remedy ?? REMEDY, cause: error },
    );
  }
}
