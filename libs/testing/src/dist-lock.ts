import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const lockDir = join(
  tmpdir(),
  `shopops-dist-${createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 12)}.lock`,
);

/**
 * Runs `work` while no other test process of this checkout writes dist/. Tests that build a package
 * (and clean its output folder) and tests that read a build must take turns, or one deletes what the
 * other is packing or copying; test files run in parallel, within a project and across projects.
 */
export async function withDistLock<T>(work: () => Promise<T>): Promise<T> {
  await acquire();
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function acquire(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (holderIsGone()) rmSync(lockDir, { recursive: true, force: true });
      else await sleep(250);
    }
  }
}

/** A lock whose process died (a killed test run) must not block the next run forever. */
function holderIsGone(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
  } catch {
    return false; // just created, pid not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
