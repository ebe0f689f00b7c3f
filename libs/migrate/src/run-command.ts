import { kebab } from '@shopops/cli';
import { join } from 'node:path';
import { EXPECTED_FORM } from '@shopops/postgres';
import { MigrateError } from './errors.ts';
import { readMigrations } from './files.ts';
import { baseline, force } from './force.ts';
import { formatFinding, lintMigrations } from './lint/index.ts';
import { newMigration } from './new-migration.ts';
import {
  migrateOptionsSchema,
  type MigrateCommand,
  type MigrateOptions,
  type MigrateOptionsInput,
} from './option-schema.ts';
import type { RunOptions } from './options.ts';
import { down, dryRun, redo, status, up } from './runner.ts';
import { dumpSchema } from './schema-dump.ts';
import { maskSecrets, parseDatabaseUrl } from './url.ts';
import { verify } from './verify.ts';

/** Where a host sends output: the CLI passes the process streams, tests and embedders their own. */
export interface MigrateIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** For DEBUG=1 (stacks with errors); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the URL came from (`--url`, `DATABASE_URL`, `apps/api/.env.dev`), named when it is malformed. */
  urlSource?: string;
}

export interface CommandOutcome {
  /** 0 done, 1 failed, 2 usage, 3 `status --exit-code` found work to do. */
  exitCode: number;
  /** The one-line result (or the error message), as printed. */
  summary: string;
  /** The result document `--json` prints; `{ error }` on failure. */
  json: unknown;
}

/** A mistake in how the engine was called (an option, a missing argument): exit code 2. */
export class UsageError extends MigrateError {}

/** Commands that never open a connection, so they need no database URL. */
export function commandNeedsDatabase(command: MigrateCommand): boolean {
  return command !== 'lint' && command !== 'new';
}

interface Rendered {
  result: unknown;
  lines: string[];
  exitCode?: number;
  /** Extra lines for stderr (verify's explanation of a failure). */
  problems?: string[];
  /** The one-line result, when the last line printed is not it. */
  summary?: string;
}

type Runner = (options: MigrateOptions, run: () => RunOptions) => Promise<Rendered>;

const RUNNERS: Record<MigrateCommand, Runner> = {
  up: async (o, run) => {
    const result = await up({ ...run(), target: o.to });
    const lines = [
      result.applied.length > 0
        ? `applied ${count(result.applied.length, 'migration')}`
        : 'nothing to apply: the database is up to date',
    ];
    return { result, lines };
  },
  down: async (o, run) => {
    const result = await down({ ...run(), steps: o.steps });
    return { result, lines: [`reverted ${count(result.reverted.length, 'migration')}`] };
  },
  redo: async (_o, run) => {
    const result = await redo(run());
    return { result, lines: [`redid ${result.applied.version}_${result.applied.name}`] };
  },
  status: async (o, run) => {
    const result = await status(run());
    const drifted = new Set(result.drifted.map((entry) => entry.version));
    const label = (e: { version: string; dirty: boolean }) =>
      e.dirty ? 'dirty  ' : drifted.has(e.version) ? 'drifted' : 'applied';
    const lines = [
      ...result.applied.map((e) =>
        `${label(e)}  ${e.version}_${e.name ?? ''}  ${e.appliedAt?.toISOString() ?? ''}`.trimEnd(),
      ),
      ...result.pending.map((e) => `pending  ${e.version}_${e.name}`),
      ...result.missing.map((e) => `missing  ${e.version}  (in the history table, no file)`),
      `${result.applied.length} applied, ${result.pending.length} pending, ${result.drifted.length} drifted, ${result.missing.length} missing${result.dirty.length ? `, dirty at ${result.dirty[0]!.version} (fix the database, then \`migrate force ${result.dirty[0]!.version}\`)` : ''}`,
    ];
    const outOfSync = result.pending.length + result.drifted.length + result.missing.length + result.dirty.length > 0;
    return { result, lines, exitCode: o.exitCode && outOfSync ? 3 : 0 };
  },
  'dry-run': async (o, run) => {
    const result = await dryRun({ ...run(), target: o.to });
    const lines = result.migrations.flatMap((m) => [
      `-- ${m.file}${m.mode === 'transaction' ? '' : ` (${m.mode === 'as-written' ? 'as written, outside our transaction' : 'outside a transaction, statement by statement'}: ${m.reason})`}`,
      m.sql.trim(),
      '',
    ]);
    const summary = `${count(result.migrations.length, 'migration')} to apply`;
    return { result, lines: lines.length > 0 ? lines : ['-- nothing to apply: the database is up to date'], summary };
  },
  'dump-schema': async (o, run) => {
    const result = await dumpSchema({ ...run(), file: o.file ?? join(o.dir, '..', 'schema.sql') });
    return { result, lines: [`wrote ${result.file} (${count(result.versions.length, 'applied version')})`] };
  },
  verify: async (_o, run) => {
    const result = await verify(run());
    if (result.ok) {
      return {
        result,
        lines: [`verify ok: down and up again reproduce the schema of ${count(result.migrations, 'migration')}`],
      };
    }
    const problems: string[] = [];
    if (result.diff.length > 0) {
      problems.push(
        `migrate: verify failed: the schema after down + up differs from the schema after up (${count(result.diff.length, 'line')})`,
        '  remedy: make each down section undo exactly what its up section does',
      );
    }
    if (result.withoutDown.length > 0) {
      problems.push(
        `migrate: verify failed: migrations without a down section cannot be verified: ${result.withoutDown.map((m) => m.file).join(', ')}`,
        '  remedy: add a `-- migrate:down` section (or a .down.sql file) that reverts each of them',
      );
    }
    return { result, lines: result.diff, exitCode: 1, problems, summary: 'verify failed' };
  },
  lint: async (o) => {
    const findings = await lintMigrations(await readMigrations(o.dir), { strict: o.strict });
    const errors = findings.filter((f) => f.severity === 'error').length;
    const notes = findings.filter((f) => f.severity === 'note').length;
    const lines = [
      ...findings.map(formatFinding),
      `${count(errors, 'error')}, ${count(findings.length - errors - notes, 'warning')}${notes ? `, ${count(notes, 'note')}` : ''}`,
    ];
    return { result: { findings }, lines, exitCode: errors > 0 ? 1 : 0 };
  },
  new: async (o) => {
    if (!o.name) throw new UsageError('new needs a name', { remedy: 'migrate new add_orders_index' });
    const result = await newMigration({ dir: o.dir, name: o.name });
    return { result, lines: [result.file] };
  },
  force: async (o, run) => {
    const result = await force({ ...run(), version: requireVersion(o, 'force') });
    const forgotten = result.forgotten.length ? `; no longer recorded as applied: ${result.forgotten.join(', ')}` : '';
    return { result, lines: [`forced version ${result.version}${forgotten}`] };
  },
  baseline: async (o, run) => {
    const result = await baseline({ ...run(), version: requireVersion(o, 'baseline') });
    return {
      result,
      lines: [`baseline: recorded ${count(result.recorded.length, 'migration')} as applied, up to ${result.version}`],
    };
  },
};

/**
 * Runs one command with typed options, the one implementation behind the CLI and the Nx executor:
 * prints the result to io.stdout (text, or one JSON document with `json`), failures to io.stderr
 * as `migrate: <what>` and `  remedy: <what to do>`, every password masked. Never throws.
 */
export async function runMigrateCommand(
  command: MigrateCommand,
  input: MigrateOptionsInput,
  io: MigrateIo,
): Promise<CommandOutcome> {
  const mask = (text: string) => maskSecrets(text, input.url);
  try {
    const options = parseOptions(input);
    const runOptions = (): RunOptions => ({
      url: requireUrl(options.url, io.urlSource),
      dir: options.dir,
      table: options.table,
      lockTimeoutMs: options.lockTimeout,
      statementLockTimeout: options.statementLockTimeout,
      lockRetries: options.lockRetries,
      allowDrift: options.allowDrift,
      allowOutOfOrder: options.allowOutOfOrder,
      log: (line) => io.stderr(`${mask(line)}\n`),
    });
    const { result, lines, exitCode = 0, problems = [], summary } = await RUNNERS[command](options, runOptions);
    io.stdout(mask(options.json ? `${JSON.stringify(result, null, 2)}\n` : lines.map((l) => `${l}\n`).join('')));
    for (const line of problems) io.stderr(`${mask(line)}\n`);
    return { exitCode, summary: mask(summary ?? lines.at(-1) ?? ''), json: result };
  } catch (error) {
    io.stderr(`${mask(describeError(error, io.env ?? process.env))}\n`);
    const { message, remedy } = error as MigrateError;
    return {
      exitCode: error instanceof UsageError ? 2 : 1,
      summary: mask(message ?? String(error)),
      json: { error: { message: mask(message ?? String(error)), ...(remedy ? { remedy: mask(remedy) } : {}) } },
    };
  }
}

/** `migrate: <message>`, then `  remedy: <remedy>`, then the stack with DEBUG=1. */
export function describeError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const { message, remedy, stack } = error as MigrateError;
  const lines = [`migrate: ${message ?? String(error)}`, ...(remedy ? [`  remedy: ${remedy}`] : [])];
  if (env.DEBUG && env.DEBUG !== '0') lines.push(stack ?? '');
  return lines.join('\n');
}

function parseOptions(input: MigrateOptionsInput): MigrateOptions {
  const parsed = migrateOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `--${kebab(String(issue.path[0] ?? '?'))}: ${issue.message}`);
  throw new UsageError(`invalid option${problems.length > 1 ? 's' : ''}: ${problems.join('; ')}`, {
    remedy: 'see migrate --help',
  });
}

// A malformed URL is a usage error like any bad option: exit 2, before anything connects.
function requireUrl(url: string | undefined, source = '--url'): string {
  if (!url) throw new UsageError('no database URL', { remedy: `pass --url ${EXPECTED_FORM} or set DATABASE_URL` });
  try {
    parseDatabaseUrl(url, source);
  } catch (error) {
    const { message, remedy } = error as MigrateError;
    throw new UsageError(message, { remedy });
  }
  return url;
}

function requireVersion(options: MigrateOptions, command: 'force' | 'baseline'): string {
  if (options.to) return options.to;
  throw new UsageError(`${command} needs a version`, {
    remedy: `migrate ${command} <version>, e.g. migrate ${command} 20260101000000 (see migrate status)`,
  });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
