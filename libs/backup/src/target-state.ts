import { isMissingDatabase } from '@shopops/postgres';
import type { DatabaseTarget } from './database-url.ts';
import { BackupError } from './errors.ts';
import { withClient } from './postgres-client.ts';
import { estimateRows } from './row-counts.ts';

/** What a restore found at the target before touching it. */
export interface ExistingTarget {
  /** Exact row count of every user table, keyed "schema.table". */
  tables: Record<string, number>;
  rows: number;
  /** Some counts are the planner's estimates (the target is described, not verified, before a restore). */
  rowsEstimated: boolean;
  owner: string;
  tablespace: string;
  /** The role may build a database beside the target and rename both (superuser, or CREATEDB and owner). */
  canSwap: boolean;
  /** The backup this database was restored from by an earlier restore, from its comment. */
  restoredFrom?: { id: string; database: string };
}

const DATABASE_FACTS = `
  select pg_get_userbyid(d.datdba) as owner, t.spcname as tablespace,
         shobj_description(d.oid, 'pg_database') as comment,
         r.rolsuper or (r.rolcreatedb and pg_has_role(d.datdba, 'MEMBER')) as can_swap
  from pg_database d
  join pg_tablespace t on t.oid = d.dattablespace
  join pg_roles r on r.rolname = current_user
  where d.datname = current_database()`;

const PROVENANCE = /^restored by @shopops\/backup from (\S+) \(database (\S+)\)/;

export const provenanceComment = (id: string, database: string, at: Date) =>
  `restored by @shopops/backup from ${id} (database ${database}) at ${at.toISOString()}`;

/** Connects to the target itself (no maintenance database): undefined when it does not exist. */
export async function inspectTarget(target: DatabaseTarget): Promise<ExistingTarget | undefined> {
  try {
    return await withClient(target, async (client) => {
      const facts = (await client.query(DATABASE_FACTS)).rows[0] as Record<string, string | boolean | null>;
      const { tables, estimated } = await estimateRows(client);
      const provenance = PROVENANCE.exec(String(facts.comment ?? ''));
      return {
        tables,
        rows: Object.values(tables).reduce((sum, n) => sum + n, 0),
        rowsEstimated: estimated,
        owner: String(facts.owner),
        tablespace: String(facts.tablespace),
        canSwap: facts.can_swap === true,
        restoredFrom: provenance ? { id: provenance[1]!, database: provenance[2]! } : undefined,
      };
    });
  } catch (error) {
    if (error instanceof BackupError && isMissingDatabase(error.cause)) return undefined;
    throw error;
  }
}

export function describeTarget(target: DatabaseTarget, state: ExistingTarget | undefined): string {
  if (!state) return `${target.database} does not exist yet`;
  const count = Object.keys(state.tables).length;
  const rows = `${state.rowsEstimated ? 'about ' : ''}${state.rows} rows`;
  return `${target.database} holds ${count} ${count === 1 ? 'table' : 'tables'}, ${rows}`;
}
