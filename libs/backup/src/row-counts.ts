import type pg from 'pg';

// Tables whose data pg_dump writes: ordinary tables (partitions included) outside system schemas,
// not owned by an extension (pg_dump leaves those to CREATE EXTENSION).
export const USER_TABLES = `
  select n.nspname as schema, c.relname as name
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r'
    and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
    and not exists (select 1 from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  order by 1, 2`;

/**
 * Row counts for describing a database before it is replaced: the planner's estimate where ANALYZE (or
 * an earlier restore) left one, exact where there is none, so inspecting a large target costs no scan.
 */
export async function estimateRows(
  client: pg.ClientBase,
): Promise<{ tables: Record<string, number>; estimated: boolean }> {
  const { rows } = await client.query<{ schema: string; name: string; estimate: number }>(
    `select t.schema, t.name, c.reltuples::float8 as estimate
     from (${USER_TABLES}) t
     join pg_namespace n on n.nspname = t.schema
     join pg_class c on c.relnamespace = n.oid and c.relname = t.name`,
  );
  const tables: Record<string, number> = {};
  let estimated = false;
  for (const { schema, name, estimate } of rows) {
    if (estimate >= 0) {
      tables[`${schema}.${name}`] = Math.round(estimate);
      estimated = true;
      continue;
    }
    const quoted = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
    const counted = await client.query<{ count: string }>(`select count(*) as count from only ${quoted}`);
    tables[`${schema}.${name}`] = Number(counted.rows[0]?.count ?? 0);
  }
  return { tables, estimated };
}

/** Exact row count of every user table, keyed "schema.table", as the client's current snapshot sees them. */
export async function countRows(client: pg.ClientBase): Promise<Record<string, number>> {
  const tables = (await client.query<{ schema: string; name: string }>(USER_TABLES)).rows;
  const counts: Record<string, number> = {};
  for (const { schema, name } of tables) {
    const quoted = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
    const { rows } = await client.query<{ count: string }>(`select count(*) as count from only ${quoted}`);
    counts[`${schema}.${name}`] = Number(rows[0]?.count ?? 0);
  }
  return counts;
}

export interface TableComparison {
  table: string;
  expected: number | undefined;
  actual: number | undefined;
  ok: boolean;
}

/** Every table of either side, with whether its count matches. */
export function compareRowCounts(expected: Record<string, number>, actual: Record<string, number>): TableComparison[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return tables.map((table) => ({
    table,
    expected: expected[table],
    actual: actual[table],
    ok: expected[table] === actual[table],
  }));
}

export function formatComparison(rows: TableComparison[]): string[] {
  const width = Math.max(5, ...rows.map((r) => r.table.length));
  const show = (n: number | undefined) => (n === undefined ? '-' : String(n));
  return [
    `${'table'.padEnd(width)}  ${'manifest'.padStart(12)}  ${'restored'.padStart(12)}`,
    ...rows.map(
      (r) =>
        `${r.table.padEnd(width)}  ${show(r.expected).padStart(12)}  ${show(r.actual).padStart(12)}  ${r.ok ? 'ok' : 'MISMATCH'}`,
    ),
  ];
}

/** "12 tables match" or "10 tables match, 2 do not (a 5→4, b -→3)": both counts, always. */
export function summarizeComparison(rows: TableComparison[]): { ok: boolean; text: string } {
  const bad = rows.filter((r) => !r.ok);
  const show = (n: number | undefined) => (n === undefined ? '-' : String(n));
  const matching = `${rows.length - bad.length} ${rows.length - bad.length === 1 ? 'table matches' : 'tables match'}`;
  if (bad.length === 0) return { ok: true, text: matching };
  const list = bad.map((r) => `${r.table} ${show(r.expected)}→${show(r.actual)}`).join(', ');
  return { ok: false, text: `${matching}, ${bad.length} ${bad.length === 1 ? 'does' : 'do'} not (${list})` };
}

/**
 * pg_restore leaves no planner statistics: until autovacuum gets there, the first queries after a
 * restore plan blind. ANALYZE before the database takes traffic (and its estimates describe it next time).
 */
export async function analyze(client: pg.ClientBase): Promise<void> {
  await client.query('analyze');
}

export async function analyzeAndCountRows(client: pg.ClientBase): Promise<Record<string, number>> {
  await analyze(client);
  return countRows(client);
}
