import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prune } from '../src/index.ts';
import { tempDir } from './fixtures.ts';

/** A backup as prune sees it: an archive and a manifest dated `startedAt`, no database needed. */
function fakeBackup(dir: string, startedAt: string, database = 'shop') {
  const id = `db_${database}_${startedAt.slice(0, 10).replaceAll('-', '')}_${startedAt.slice(11, 16).replace(':', '')}`;
  writeFileSync(join(dir, `${id}.dump`), 'archive');
  const manifest = {
    formatVersion: 1,
    id,
    database,
    serverVersion: '15.8',
    pgDumpVersion: 'pg_dump (PostgreSQL) 15.8',
    startedAt,
    finishedAt: startedAt,
    compression: 'pg-default',
    archive: { name: `${id}.dump`, size: 7, sha256: '0'.repeat(64) },
    tables: {},
  };
  writeFileSync(join(dir, `${id}.manifest.json`), JSON.stringify(manifest));
  return id;
}

function dailyBackups(dir: string, from: string, count: number): string[] {
  const ids: string[] = [];
  for (let day = 0; day < count; day++) {
    const date = new Date(`${from}T03:00:00Z`);
    date.setUTCDate(date.getUTCDate() + day);
    ids.push(fakeBackup(dir, date.toISOString().replace('.000', '')));
  }
  return ids;
}

describe('prune', () => {
  const now = new Date('2026-03-31T12:00:00Z');

  it('reports without deleting, then deletes only with apply, manifest last', async () => {
    const dir = tempDir();
    const ids = dailyBackups(dir, '2026-03-01', 31);
    const lines: string[] = [];
    const report = await prune({ destination: dir, now, log: (line) => lines.push(line) });
    expect(report.applied).toBe(false);
    expect(readdirSync(dir)).toHaveLength(62);
    // 7 daily (25th–31st); 4 ISO weeks: this week's 31st, then Sundays 29th, 22nd, 15th; March (the 31st);
    // the oldest (1st) because monthly count is left.
    expect(report.keep.map((k) => k.id.slice(8, 16)).sort()).toEqual(
      ['20260301', '20260315', '20260322', '20260325', '20260326', '20260327', '20260328']
        .concat(['20260329', '20260330', '20260331'])
        .sort(),
    );
    expect(lines).toContain(`would delete ${ids[1]}  (older than every kept day, week, month and year)`);

    const applied = await prune({ destination: dir, now, apply: true });
    expect(applied.remove).toHaveLength(31 - 10);
    expect(readdirSync(dir)).toHaveLength(20);
    expect(existsSync(join(dir, `${ids[1]}.dump`))).toBe(false);
    expect(existsSync(join(dir, `${ids[30]}.manifest.json`))).toBe(true);
  });

  it('never deletes what it cannot read, what is not a backup, or anything outside its directory', async () => {
    const dir = tempDir();
    dailyBackups(dir, '2025-01-01', 60);
    writeFileSync(join(dir, 'db_shop_20240101_0300.dump'), 'an interrupted run: no manifest');
    writeFileSync(join(dir, 'db_shop_20240102_0300.dump'), 'damaged');
    writeFileSync(join(dir, 'db_shop_20240102_0300.manifest.json'), '{ not json');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    mkdirSync(join(dir, 'archive'));
    fakeBackup(join(dir, 'archive'), '2020-01-01T03:00:00Z');

    const result = await prune({ destination: dir, now, policy: { daily: 1, weekly: 0, monthly: 0 }, apply: true });
    expect(result.untouched.map((u) => u.id).sort()).toEqual(['db_shop_20240101_0300', 'db_shop_20240102_0300']);
    expect(result.untouched[0]?.reason).toMatch(/never deleted by prune/);
    expect(readdirSync(dir).sort()).toEqual(
      [
        'archive',
        'db_shop_20240101_0300.dump',
        'db_shop_20240102_0300.dump',
        'db_shop_20240102_0300.manifest.json',
        'db_shop_20250301_0300.dump',
        'db_shop_20250301_0300.manifest.json',
        'notes.txt',
      ].sort(),
    );
    expect(readdirSync(join(dir, 'archive'))).toHaveLength(2);
  });

  it('keeps the newest backup even when it is older than every bucket of the policy', async () => {
    const dir = tempDir();
    const [older, newest] = [fakeBackup(dir, '2020-01-01T03:00:00Z'), fakeBackup(dir, '2021-06-01T03:00:00Z')];
    const result = await prune({ destination: dir, now, policy: { daily: 0, weekly: 0, monthly: 0 }, apply: true });
    expect(result.keep).toEqual([{ id: newest, reasons: ['newest'] }]);
    expect(result.remove.map((r) => r.id)).toEqual([older]);
  });
});
