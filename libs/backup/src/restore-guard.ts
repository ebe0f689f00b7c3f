import type { DatabaseTarget } from './database-url.ts';
import { BackupError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { productionReason, type ProtectionPolicy } from './protection.ts';
import type { ExistingTarget } from './target-state.ts';

export interface OverwriteConsent extends ProtectionPolicy {
  /** The target database's name: consent to overwrite it, whatever it holds. */
  confirm?: string;
  /** Consent to replace a database that holds data from elsewhere. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** A production-looking target needs --confirm=<its name>; nothing weaker will do. */
export function guardProduction(target: DatabaseTarget, consent: OverwriteConsent): void {
  const reason = productionReason(target, consent, consent.env);
  if (!reason || consent.confirm === target.database) return;
  throw new BackupError(`refusing to restore into ${target.display}: it looks like production (${reason})`, {
    remedy: `pass --confirm=${target.database} if you really mean to overwrite it`,
  });
}

/**
 * A target whose data does not look like this backup's (tables the backup lacks, or another database's
 * name) would lose data nobody meant to replace: it needs --force or --confirm=<name>. An empty target,
 * or one an earlier restore filled from the same database, does not.
 */
export function guardOverwrite(
  target: DatabaseTarget,
  state: ExistingTarget | undefined,
  manifest: Manifest,
  consent: OverwriteConsent,
): void {
  if (!state || consent.force || consent.confirm === target.database) return;
  const reasons = overwriteReasons(target, state, manifest);
  if (reasons.length === 0) return;
  throw new BackupError(
    `refusing to restore ${manifest.id} over ${target.display}: ${reasons.join('; ')}; it was not touched`,
    { remedy: `check --url names the database you mean; pass --force (or --confirm=${target.database}) to replace it` },
  );
}

function overwriteReasons(target: DatabaseTarget, state: ExistingTarget, manifest: Manifest): string[] {
  const tables = Object.keys(state.tables);
  if (tables.length === 0) return [];
  const reasons: string[] = [];
  const extra = tables.filter((table) => !(table in manifest.tables));
  if (extra.length > 0) {
    const shown = extra.slice(0, 5).join(', ') + (extra.length > 5 ? ` and ${extra.length - 5} more` : '');
    reasons.push(
      `it holds ${extra.length} ${extra.length === 1 ? 'table' : 'tables'} the backup does not have (${shown})`,
    );
  }
  const sameSource = target.database === manifest.database || state.restoredFrom?.database === manifest.database;
  if (!sameSource) {
    reasons.push(
      `the backup is of database ${manifest.database}, the target is ${target.database} with ${state.rows} rows`,
    );
  }
  return reasons;
}
