import { execa } from 'execa';
import { BackupError } from './errors.ts';
import { pgTool } from './pg-tools.ts';

/** e.g. "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)". */
export async function pgDumpVersion(pgBinDir?: string): Promise<string> {
  const file = pgTool('pg_dump', pgBinDir);
  const result = await execa(file, ['--version'], { reject: false });
  if (result.exitCode !== 0) {
    throw new BackupError(`pg_dump not found or not runnable (${file})`, {
      remedy: 'install postgresql-client matching the server, or set --pg-bin-dir / PG_BINDIR',
    });
  }
  return result.stdout.trim();
}
