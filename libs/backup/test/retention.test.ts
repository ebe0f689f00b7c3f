import { describe, expect, it } from 'vitest';
import { isoWeek, selectForDeletion, type DatedBackup, type RetentionPolicy } from '../src/retention.ts';

const at = (iso: string): DatedBackup => ({ id: iso, time: new Date(iso.length === 10 ? `${iso}T02:00:00Z` : iso) });

function days(from: string, to: string, times = ['02:00']): DatedBackup[] {
  const out: DatedBackup[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    for (const time of times) out.push(at(`${d.toISOString().slice(0, 10)}T${time}:00Z`));
  }
  return out;
}

const kept = (backups: DatedBackup[], policy?: RetentionPolicy, now?: Date) =>
  selectForDeletion(backups, policy, now)
    .keep.map((k) => k.backup.id.slice(0, 10))
    .sort();

describe('selectForDeletion', () => {
  const cases: { name: string; backups: DatedBackup[]; policy?: RetentionPolicy; keep: string[] }[] = [
    {
      name: 'two years of dailies: 7 days, 4 ISO weeks, 3 months (default policy)',
      backups: days('2022-01-01', '2024-03-31'),
      keep: [
        ...['2024-01-31', '2024-02-29', '2024-03-10', '2024-03-17', '2024-03-24'],
        ...['2024-03-25', '2024-03-26', '2024-03-27', '2024-03-28', '2024-03-29', '2024-03-30', '2024-03-31'],
      ],
    },
    {
      name: 'a young history keeps everything, the oldest included',
      backups: days('2024-03-29', '2024-03-31'),
      keep: ['2024-03-29', '2024-03-30', '2024-03-31'],
    },
    {
      name: 'gaps: monthly buckets reach back across empty months',
      backups: ['2024-01-01', '2024-01-15', '2024-03-01', '2024-06-30'].map(at),
      policy: { daily: 2, weekly: 0, monthly: 3 },
      keep: ['2024-01-15', '2024-03-01', '2024-06-30'],
    },
    {
      name: 'gaps: with monthly count left over, the oldest is kept too',
      backups: ['2024-01-01', '2024-01-15', '2024-03-01', '2024-06-30'].map(at),
      policy: { daily: 2, weekly: 0, monthly: 4 },
      keep: ['2024-01-01', '2024-01-15', '2024-03-01', '2024-06-30'],
    },
    {
      name: 'ISO weeks span the new year (2020-W53 runs to 2021-01-03)',
      backups: ['2020-12-31', '2021-01-03', '2021-01-04'].map(at),
      policy: { daily: 0, weekly: 2, monthly: 0 },
      keep: ['2021-01-03', '2021-01-04'],
    },
    {
      name: 'a policy of zeros still keeps the newest',
      backups: days('2024-01-01', '2024-01-10'),
      policy: { daily: 0, weekly: 0, monthly: 0 },
      keep: ['2024-01-10'],
    },
  ];

  for (const { name, backups, policy, keep } of cases) {
    it(name, () => expect(kept(backups, policy)).toEqual(keep));
  }

  it('keeps the newest backup of each day when there are several a day, and the oldest while counts are left', () => {
    const backups = days('2024-05-01', '2024-05-03', ['00:15', '06:15', '12:15', '18:15']);
    const decision = selectForDeletion(backups, { daily: 7, weekly: 0, monthly: 0 });
    expect(decision.keep.map((k) => k.backup.id).sort()).toEqual([
      '2024-05-01T00:15:00Z',
      '2024-05-01T18:15:00Z',
      '2024-05-02T18:15:00Z',
      '2024-05-03T18:15:00Z',
    ]);
    expect(decision.remove.find((r) => r.backup.id === '2024-05-02T12:15:00Z')?.reason).toBe(
      'a newer backup is kept for 2024-05-02',
    );
  });

  it('gives every kept backup all its reasons: one backup can fill several buckets', () => {
    const decision = selectForDeletion(days('2024-01-01', '2024-03-31'));
    const newest = decision.keep.find((k) => k.backup.id.startsWith('2024-03-31'));
    expect(newest?.reasons).toEqual(['newest', 'daily 2024-03-31', 'weekly 2024-W13', 'monthly 2024-03']);
  });

  it('leaves backups dated after now alone', () => {
    const backups = [...days('2024-01-01', '2024-01-20'), at('2030-01-01')];
    const decision = selectForDeletion(backups, { daily: 1, weekly: 0, monthly: 0 }, new Date('2024-01-21T00:00:00Z'));
    expect(decision.keep.find((k) => k.backup.id.startsWith('2030'))?.reasons).toContain('dated in the future');
  });

  // Years of irregular history checked against a second formulation of the same rule:
  // for each kind, the newest backup of each of its newest N buckets, plus the oldest when fewer than N buckets exist.
  it('matches the bucket-set formulation over five years of irregular backups', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const backups: DatedBackup[] = [];
    for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2024, 0, 1); t += random() * 3 * 86_400_000) {
      if (random() < 0.05) t += 40 * 86_400_000; // an outage of several weeks
      backups.push({ id: `b${backups.length}`, time: new Date(t) });
    }
    const policies: RetentionPolicy[] = [
      {},
      { daily: 30, weekly: 12, monthly: 24, yearly: 10 },
      { daily: 3, weekly: 0, monthly: 100 },
    ];
    for (const policy of policies) {
      const actual = selectForDeletion(backups, policy)
        .keep.map((k) => k.backup.id)
        .sort();
      expect(actual).toEqual(referenceKeep(backups, policy).sort());
    }
  });

  it('computes ISO weeks', () => {
    expect(isoWeek(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    expect(isoWeek(new Date('2024-12-30T12:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(new Date('2024-03-31T12:00:00Z'))).toBe('2024-W13');
  });
});

function referenceKeep(backups: DatedBackup[], policy: RetentionPolicy): string[] {
  const full = { daily: 7, weekly: 4, monthly: 3, yearly: 0, ...policy };
  const newestFirst = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime());
  const keep = new Set<string>([newestFirst[0]!.id]);
  const kinds: [number, (d: Date) => string][] = [
    [full.daily, (d) => d.toISOString().slice(0, 10)],
    [full.weekly, isoWeek],
    [full.monthly, (d) => d.toISOString().slice(0, 7)],
    [full.yearly, (d) => d.toISOString().slice(0, 4)],
  ];
  for (const [count, bucketOf] of kinds) {
    if (count <= 0) continue;
    const newestPerBucket = new Map<string, string>();
    for (const b of newestFirst)
      if (!newestPerBucket.has(bucketOf(b.time))) newestPerBucket.set(bucketOf(b.time), b.id);
    [...newestPerBucket.values()].slice(0, count).forEach((id) => keep.add(id));
    if (newestPerBucket.size < count) keep.add(newestFirst[newestFirst.length - 1]!.id);
  }
  return [...keep];
}
