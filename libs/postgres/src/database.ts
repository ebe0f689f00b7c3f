import type pg from 'pg';

/** The same server and credentials, another database. */
export function urlForDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${encodeURIComponent(database)}`;
  return next.toString();
}

export interface CreateDatabaseOptions {
  /** template0 gives an empty database that any dump restores into; template1 carries local additions. */
  template?: 'template0' | 'template1';
  tablespace?: string;
}

/** CREATE DATABASE through an open session (any database on the server); false when it already existed. */
export async function createDatabaseIfMissing(
  client: pg.ClientBase,
  name: string,
  options: CreateDatabaseOptions = {},
): Promise<boolean> {
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
  if ((rowCount ?? 0) > 0) return false;
  const clauses = [
    options.template ? `template ${client.escapeIdentifier(options.template)}` : '',
    options.tablespace ? `tablespace ${client.escapeIdentifier(options.tablespace)}` : '',
  ].join(' ');
  try {
    await client.query(`create database ${client.escapeIdentifier(name)} ${clauses}`);
  } catch (error) {
    // Two callers racing to create the same database: the loser finds it made, which is what it wanted.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  }
  return true;
}
