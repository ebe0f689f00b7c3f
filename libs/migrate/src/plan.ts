import { basename } from 'node:path';
import { MigrateError } from './errors.ts';
import type { HistoryRow } from './history.ts';
import type { Migration } from './types.ts';
import { compareVersions } from './versions.ts';

export interface StatusEntry {
  version: string;
  name: string | null;
  /** null for a version in the history table without a file. */
  file: string | null;
  /** null while pending (and for rows adopted from dbmate). */
  appliedAt: Date | null;
  /** The recorded checksum when applied, else the file's. */
  checksum: string | null;
  /** Failed part-way outside a transaction: nothing runs until `migrate force`. */
  dirty: boolean;
}

export interface DriftedEntry extends StatusEntry {
  /** Checksum of the file as it is now, which differs from `checksum`, the one applied. */
  fileChecksum: string;
}

export interface Status {
  applied: StatusEntry[];
  pending: StatusEntry[];
  /** Applied migrations whose file changed since. */
  drifted: DriftedEntry[];
  /** Versions in the history table that no file has. */
  missing: StatusEntry[];
  /** Versions marked dirty (at most one, in practice). */
  dirty: StatusEntry[];
}

/** Compares the files with the history table. */
export function statusOf(migrations: Migration[], history: HistoryRow[]): Status {
  const files = new Map(migrations.map((m) => [m.version, m]));
  const applied = [...history].sort((a, b) => compareVersions(a.version, b.version));
  const appliedVersions = new Set(applied.map((row) => row.version));
  const entry = (row: HistoryRow): StatusEntry => {
    const file = files.get(row.version);
    return {
      version: row.version,
      name: row.name ?? file?.name ?? null,
      file: file?.file ?? null,
      appliedAt: row.appliedAt,
      checksum: row.checksum,
      dirty: row.dirty,
    };
  };
  return {
    applied: applied.map(entry),
    pending: migrations
      .filter((m) => !appliedVersions.has(m.version))
      .map((m) => ({
        version: m.version,
        name: m.name,
        file: m.file,
        appliedAt: null,
        checksum: m.checksum,
        dirty: false,
      })),
    drifted: applied.flatMap((row) => {
      const file = files.get(row.version);
      return file && row.checksum && row.checksum !== file.checksum
        ? [{ ...entry(row), fileChecksum: file.checksum }]
        : [];
    }),
    missing: applied.filter((row) => !files.has(row.version)).map(entry),
    dirty: applied.filter((row) => row.dirty).map(entry),
  };
}

/** golang-migrate's rule: after a failure part-way outside a transaction, nothing runs until someone has looked. */
export function refuseDirty(status: Status): void {
  const [dirty] = status.dirty;
  if (!dirty) return;
  throw new MigrateError(
    `dirty at ${dirty.version}: an earlier run failed part-way through ${dirty.file ?? dirty.version} outside a transaction, so some of it may be applied`,
    {
      remedy: `dirty at ${dirty.version}: fix the database, then \`migrate force ${dirty.version}\` (or force the previous version to run it again)`,
    },
  );
}

/** The file whose version equals `version` numerically (golang-migrate writes 1 for 000001). */
export function migrationAt(migrations: Migration[], version: string, command: string): Migration {
  const migration = migrations.find((m) => compareVersions(m.version, version) === 0);
  if (migration) return migration;
  throw new MigrateError(`${command}: no migration has version ${version}`, {
    remedy: `give the version of an existing migration file (see \`migrate status\`), e.g. ${migrations.at(-1)?.version ?? '20260101000000'}`,
  });
}

export function checkDrift(status: Status, allowDrift: boolean): void {
  if (allowDrift || status.drifted.length === 0) return;
  throw new MigrateError(
    `applied migrations changed since they were applied: ${status.drifted.map((d) => d.file).join(', ')}`,
    {
      remedy:
        'restore the files to what was applied (see git log -p) and put the change in a new migration, or pass --allow-drift if the edit is harmless',
    },
  );
}

/** The migrations `up` applies, oldest first, up to and including `target`. */
export function selectPending(
  migrations: Migration[],
  history: HistoryRow[],
  target: string | undefined,
  allowOutOfOrder: boolean,
): Migration[] {
  if (target !== undefined && !migrations.some((m) => m.version === target)) {
    throw new MigrateError(`no migration has version ${target}`, {
      remedy: 'give the version of an existing migration file (see `migrate status`)',
    });
  }
  const applied = new Set(history.map((row) => row.version));
  const pending = migrations.filter(
    (m) => !applied.has(m.version) && (target === undefined || compareVersions(m.version, target) <= 0),
  );
  const newest = history
    .map((row) => row.version)
    .sort(compareVersions)
    .at(-1);
  const early = newest === undefined ? [] : pending.filter((m) => compareVersions(m.version, newest) < 0);
  if (early.length > 0 && !allowOutOfOrder) {
    throw new MigrateError(
      `pending migrations are older than the newest applied one (${newest}): ${early.map((m) => basename(m.file)).join(', ')}`,
      {
        remedy:
          'rename them with a timestamp after the newest applied migration, or pass --allow-out-of-order if applying them now is safe',
      },
    );
  }
  return pending;
}

/** The `steps` newest applied migrations, newest first; each must have a file with a down section. */
export function selectToRevert(
  migrations: Migration[],
  history: HistoryRow[],
  steps: number,
  table: string,
): Migration[] {
  const files = new Map(migrations.map((m) => [m.version, m]));
  const newestFirst = [...history].sort((a, b) => compareVersions(b.version, a.version)).slice(0, steps);
  return newestFirst.map((row) => {
    const migration = files.get(row.version);
    if (!migration) {
      throw new MigrateError(
        `cannot revert version ${row.version}: it is in ${table} but no migration file has that version`,
        {
          remedy: `restore its file (e.g. from git) and run again; if it was reverted by hand, delete its row from ${table}`,
        },
      );
    }
    if (!migration.down) {
      throw new MigrateError(`cannot revert ${migration.version}_${migration.name}: it has no down section`, {
        file: migration.file,
        remedy:
          migration.format === 'dbmate'
            ? 'add a `-- migrate:down` section that reverts it'
            : `add ${migration.version}_${migration.name}.down.sql`,
      });
    }
    return migration;
  });
}
