import { randomBytes } from 'node:crypto';
import { withClient } from './connect.ts';
import { readMigrations } from './files.ts';
import { quoteIdent } from './history-table.ts';
import { diffLines } from './line-diff.ts';
import { resolveRunOptions, type RunOptions } from './options.ts';
import { down, up } from './runner.ts';
import { schemaText } from './schema-dump.ts';
import { parseDatabaseUrl } from './url.ts';

export interface VerifyResult {
  /** True when every migration has a down section and down + up reproduces the schema exactly. */
  ok: boolean;
  /** The scratch database used, already dropped. */
  database: string;
  migrations: number;
  /** Migrations without a down section: the round trip stops above the newest of them. */
  withoutDown: { version: string; name: string; file: string }[];
  /** How many migrations were reverted and applied again. */
  roundTripped: number;
  /** Lines that differ between the schema after the first up (`-`) and after down + up (`+`). */
  diff: string[];
}

/**
 * On a scratch database on the same server: up all, dump, down to zero, up again, dump.
 * Different dumps mean a down section does not undo its up section.
 */
export async function verify(options: RunOptions): Promise<VerifyResult> {
  const o = resolveRunOptions(options);
  const migrations = await readMigrations(o.dir);
  const withoutDown = migrations.filter((m) => !m.down).map(({ version, name, file }) => ({ version, name, file }));
  const newestIrreversible = migrations.findLastIndex((m) => !m.down);
  const roundTripped = migrations.length - 1 - newestIrreversible;
  const scratch = scratchUrl(o.url);
  const database = decodeURIComponent(scratch.pathname.slice(1));
  await withClient(o.url, (client) => client.query(`CREATE DATABASE ${quoteIdent(database)}`));
  try {
    const scratchOptions = { ...options, url: scratch.href, allowDrift: false, allowOutOfOrder: false };
    await up(scratchOptions);
    const first = await schemaText(scratch.href, o.table);
    if (roundTripped > 0) await down({ ...scratchOptions, steps: roundTripped });
    await up(scratchOptions);
    const second = await schemaText(scratch.href, o.table);
    const diff = diffLines(first.text, second.text);
    return {
      ok: diff.length === 0 && withoutDown.length === 0,
      database,
      migrations: migrations.length,
      withoutDown,
      roundTripped,
      diff,
    };
  } finally {
    await withClient(o.url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
  }
}

// Named after the database with a random suffix, so concurrent verifies never collide; 63 bytes is Postgres's limit.
function scratchUrl(url: string): URL {
  const scratch = parseDatabaseUrl(url);
  const base = decodeURIComponent(scratch.pathname.slice(1)) || 'postgres';
  scratch.pathname = `/${encodeURIComponent(`${base.slice(0, 40)}_verify_${randomBytes(4).toString('hex')}`)}`;
  return scratch;
}
