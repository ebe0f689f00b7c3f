import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { withDistLock } from '../src/index.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const lockDir = join(
  tmpdir(),
  `shopops-dist-${createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 12)}.lock`,
);

describe('withDistLock', () => {
  it('runs one holder at a time and returns what the work returns', async () => {
    const events: string[] = [];
    const work = (name: string) =>
      withDistLock(async () => {
        events.push(`${name} start`);
        await sleep(300);
        events.push(`${name} end`);
        return name;
      });
    expect(await Promise.all([work('a'), work('b')])).toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('takes over a lock whose holder died, and releases it when the work throws', async () => {
    const finished = execa(process.execPath, ['-e', '0']);
    await finished;
    const pid = finished.pid!;
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'pid'), String(pid));
    await expect(withDistLock(() => Promise.reject(new Error('build failed')))).rejects.toThrow('build failed');
    expect(await withDistLock(async () => 'next')).toBe('next');
  });
});
