import { MigrateError } from './errors.ts';

export const DEFAULT_HISTORY_TABLE = 'public.schema_migrations';

/** The history table's name, parsed once and quoted for SQL. */
export interface HistoryTable {
  schema: string;
  table: string;
  /** `"schema"."table"`, safe to interpolate into SQL. */
  sql: string;
}

/** Accepts `table` or `schema.table`, either part optionally double-quoted. */
export function parseHistoryTable(name: string = DEFAULT_HISTORY_TABLE): HistoryTable {
  const parts = name.match(/"(?:[^"]|"")+"|[^."]+/g) ?? [];
  if (parts.length < 1 || parts.length > 2 || parts.join('.') !== name) {
    throw new MigrateError(`invalid --table ${JSON.stringify(name)}`, {
      remedy: 'expected `table` or `schema.table`, e.g. public.schema_migrations',
    });
  }
  const [schema, table] = (parts.length === 2 ? parts : ['public', parts[0]!]).map(unquote) as [string, string];
  return { schema, table, sql: `${quoteIdent(schema)}.${quoteIdent(table)}` };
}

export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function unquote(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part;
}
