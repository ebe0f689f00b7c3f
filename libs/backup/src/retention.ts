/** How many of each kind of backup to keep; 0 turns a kind off. Default: 7 daily, 4 weekly, 3 monthly. */
export interface RetentionPolicy {
  last?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
}

export const DEFAULT_POLICY = { last: 0, daily: 7, weekly: 4, monthly: 3, yearly: 0 } as const;

export interface DatedBackup {
  id: string;
  /** When the backup was taken. Buckets are computed in UTC. */
  time: Date;
}

export interface RetentionDecision<T extends DatedBackup> {
  keep: { backup: T; reasons: string[] }[];
  remove: { backup: T; reason: string }[];
}

type Kind = keyof RetentionPolicy;

const BUCKETS: Record<Kind, { label: string; bucket: (time: Date, index: number) => string }> = {
  last: { label: 'last', bucket: (_time, index) => String(index) },
  daily: { label: 'daily', bucket: (time) => time.toISOString().slice(0, 10) },
  weekly: { label: 'weekly', bucket: isoWeek },
  monthly: { label: 'monthly', bucket: (time) => time.toISOString().slice(0, 7) },
  yearly: { label: 'yearly', bucket: (time) => time.toISOString().slice(0, 4) },
};

/**
 * restic `forget` semantics: walking from newest to oldest, each kind keeps the newest backup of each
 * of its buckets (day, ISO week, month, year) until its count is used up; kinds count independently,
 * so one backup can fill several. While a kind still has count left, the oldest backup is kept too,
 * so a young history is not thinned. The newest backup is always kept; backups dated after `now` are left alone.
 */
export function selectForDeletion<T extends DatedBackup>(
  backups: readonly T[],
  policy: RetentionPolicy = DEFAULT_POLICY,
  now: Date = new Date(),
): RetentionDecision<T> {
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || b.id.localeCompare(a.id));
  const remaining: Record<Kind, number> = { ...DEFAULT_POLICY };
  for (const kind of Object.keys(BUCKETS) as Kind[]) remaining[kind] = policy[kind] ?? remaining[kind];
  const last: Partial<Record<Kind, string>> = {};
  const decision: RetentionDecision<T> = { keep: [], remove: [] };

  sorted.forEach((backup, index) => {
    const reasons: string[] = [];
    if (backup.time.getTime() > now.getTime()) reasons.push('dated in the future');
    if (index === 0) reasons.push('newest');
    for (const kind of Object.keys(BUCKETS) as Kind[]) {
      if (remaining[kind] <= 0) continue;
      const bucket = BUCKETS[kind].bucket(backup.time, index);
      const oldest = index === sorted.length - 1;
      if (bucket !== last[kind] || oldest) {
        reasons.push(
          bucket !== last[kind] ? `${BUCKETS[kind].label} ${bucket}` : `oldest, ${BUCKETS[kind].label} count left`,
        );
        last[kind] = bucket;
        remaining[kind]--;
      }
    }
    if (reasons.length > 0) decision.keep.push({ backup, reasons });
    else decision.remove.push({ backup, reason: removalReason(backup, last) });
  });
  return decision;
}

function removalReason(backup: DatedBackup, last: Partial<Record<Kind, string>>): string {
  const day = backup.time.toISOString().slice(0, 10);
  return last.daily === day ? `a newer backup is kept for ${day}` : 'older than every kept day, week, month and year';
}

/** ISO 8601 week, e.g. 2021-W53 for 2021-01-03 (the week belongs to the year of its Thursday). */
export function isoWeek(time: Date): string {
  const date = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
