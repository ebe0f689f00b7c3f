import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** Removes every directory scratchDir() made so far; vitest-setup.ts calls it after each test file. */
export function removeScratchDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A fresh directory under the OS temp dir, removed after the test file (or when a script exits), so
 * tests and benches take as many as they like without cleanup hooks and leave nothing in /tmp.
 */
export function scratchDir(prefix: string): string {
  // Vitest's workers end without 'exit' handlers, hence the setup file; this covers plain scripts.
  if (created.length === 0) process.once('exit', removeScratchDirs);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
