import { execa } from 'execa';
import { libpqEnv, type DatabaseTarget } from './database-url.ts';
import { BackupError } from './errors.ts';
import { maskSecrets } from './mask.ts';
import { pgTool } from './pg-tools.ts';

/** Reads every byte of the archive (pg_restore to /dev/null): catches damage --list would not. */
export async function readWholeArchive(path: string, label: string, pgBinDir?: string): Promise<void> {
  const result = await execa(pgTool('pg_restore', pgBinDir), ['--file=/dev/null', path], { reject: false });
  if (result.exitCode !== 0) {
    throw new BackupError(`archive ${label} is unreadable: ${lastLines(result.stderr) || result.shortMessage}`, {
      remedy: 'the archive is damaged; restore an older backup (list shows them)',
    });
  }
}

/** pg_restore --clean --if-exists --no-owner -j N; stops at the first error. */
export async function restoreArchive(target: DatabaseTarget, path: string, jobs: number, pgBinDir?: string) {
  const args = ['--clean', '--if-exists', '--no-owner', '--exit-on-error', `--jobs=${jobs}`, '--no-password'];
  const result = await execa(pgTool('pg_restore', pgBinDir), [...args, `--dbname=${target.url}`, path], {
    env: libpqEnv(target),
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new BackupError(maskSecrets(`pg_restore into ${target.display} failed: ${lastLines(result.stderr)}`), {
      remedy:
        'fix the cause above (often a missing role, extension or a pg_restore older than the dump) and restore again',
    });
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
}
