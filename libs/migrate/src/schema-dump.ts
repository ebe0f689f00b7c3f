import { writeFileAtomic } from './atomic-write.ts';
import { withClient } from './connect.ts';
import { inspectHistory, readHistory } from './history.ts';
import { parseHistoryTable, type HistoryTable } from './history-table.ts';
import type { ConnectionOptions } from './options.ts';
import { pgDumpSchema } from './pg-dump.ts';
import { compareVersions } from './versions.ts';

export interface DumpSchemaOptions extends ConnectionOptions {
  /** Where to write the schema, e.g. apps/api/schema.sql. */
  file: string;
}

export interface DumpSchemaResult {
  file: string;
  /** Applied versions, listed at the end of the file. */
  versions: string[];
}

/** Writes the schema plus the applied versions (like dbmate's schema.sql), stable enough to keep in git. */
export async function dumpSchema(options: DumpSchemaOptions): Promise<DumpSchemaResult> {
  const { text, versions } = await schemaText(options.url, parseHistoryTable(options.table));
  await writeFileAtomic(options.file, text);
  options.log?.(`wrote ${options.file} (${versions.length} applied versions)`);
  return { file: options.file, versions };
}

export async function schemaText(url: string, table: HistoryTable): Promise<{ text: string; versions: string[] }> {
  const dump = await pgDumpSchema(url);
  const history = await withClient(url, async (client) =>
    readHistory(client, table, await inspectHistory(client, table)),
  );
  const versions = history.map((row) => row.version).sort(compareVersions);
  return { text: withoutVolatileLines(dump) + versionInserts(table, versions), versions };
}

// Server and pg_dump versions, and the random key of \restrict, change between machines and runs.
function withoutVolatileLines(dump: string): string {
  return dump
    .split('\n')
    .filter((line) => !/^-- Dumped (from database|by pg_dump) version /.test(line) && !/^\\(un)?restrict /.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd();
}

function versionInserts(table: HistoryTable, versions: string[]): string {
  if (versions.length === 0) return '\n';
  const rows = versions.map((version) => `    ('${version.replace(/'/g, "''")}')`).join(',\n');
  return `\n\n\n--\n-- Dbmate schema migrations\n--\n\nINSERT INTO ${table.sql} (version) VALUES\n${rows};\n`;
}
