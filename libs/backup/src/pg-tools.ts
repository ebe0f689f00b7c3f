import { join } from 'node:path';

/**
 * Path of a PostgreSQL client program: from pgBinDir, else $PG_BINDIR, else PATH.
 * pg_dump must be at least as new as the server, so callers with several versions point at the right one.
 */
export function pgTool(name: 'pg_dump' | 'pg_dumpall' | 'pg_restore' | 'psql', pgBinDir?: string): string {
  const dir = pgBinDir ?? process.env.PG_BINDIR;
  return dir ? join(dir, name) : name;
}
