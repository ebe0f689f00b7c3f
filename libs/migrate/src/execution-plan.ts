import { MigrateError } from './errors.ts';
import { splitStatements, type Statement } from './statements.ts';
import { refusedInTransaction, transactionControl } from './transaction-needs.ts';
import type { Migration, MigrationSection } from './types.ts';

export type Direction = 'up' | 'down';

/**
 * How a section runs: `transaction` in ours (with its history row), `no-transaction` statement by
 * statement, `as-written` with the file's own BEGIN/COMMIT, history written after it.
 */
export type ExecutionMode = 'transaction' | 'no-transaction' | 'as-written';

export interface SectionPlan {
  migration: Migration;
  direction: Direction;
  file: string;
  section: MigrationSection;
  statements: Statement[];
  mode: ExecutionMode;
  /** Why it does not run in our transaction, e.g. `CREATE INDEX CONCURRENTLY at line 3 cannot run in a transaction`. */
  reason?: string;
  /** The line of the statement `reason` names. */
  reasonLine?: number;
  /** golang-migrate's dirty mark: set while the section runs, so a failure part-way is never forgotten. */
  marksDirty: boolean;
}

/**
 * Decides how a section must run, from its parse tree. Called for every file of a run before the
 * first is applied, so a file that cannot run is refused while nothing has changed yet.
 */
export async function planSection(
  migration: Migration,
  direction: Direction,
  serverVersionNum?: number,
): Promise<SectionPlan> {
  const section = direction === 'up' ? migration.up : migration.down!;
  const file = direction === 'up' ? migration.file : migration.downFile;
  const statements = await splitStatements(section, file);
  const plan = (mode: ExecutionMode, marksDirty: boolean, reason?: string, reasonLine?: number): SectionPlan => ({
    migration,
    direction,
    file,
    section,
    statements,
    mode,
    reason,
    reasonLine,
    marksDirty,
  });
  const control = statements.find((statement) => statement.controlsTransaction);
  const refused = firstRefused(statements, serverVersionNum);
  if (migration.format === 'golang-migrate') {
    // golang-migrate has no transaction:false marker: files say what they need by what they contain.
    if (control) {
      requireClosedTransaction(file, statements);
      const reason = `${keyword(control)} at line ${control.line}: the file manages its own transaction`;
      return plan('as-written', true, reason, control.line);
    }
    if (refused) {
      const reason = `${refused.what} at line ${refused.line} cannot run in a transaction`;
      return plan('no-transaction', true, reason, refused.line);
    }
    return plan('transaction', false);
  }
  if (!section.transaction) return plan('no-transaction', false, 'marked transaction:false');
  if (control) throw transactionControlInDbmate(file, control);
  if (refused) {
    throw new MigrateError(`${refused.what} cannot run inside a transaction, and this section runs in one`, {
      file,
      line: refused.line,
      remedy: `move it to its own file marked \`-- migrate:${direction} transaction:false\``,
    });
  }
  return plan('transaction', false);
}

/** Plans every section of a run, in order; the first file that cannot run throws before anything is applied. */
export async function planSections(
  migrations: Migration[],
  direction: Direction,
  serverVersionNum?: number,
): Promise<SectionPlan[]> {
  const plans: SectionPlan[] = [];
  for (const migration of migrations) plans.push(await planSection(migration, direction, serverVersionNum));
  return plans;
}

function firstRefused(statements: Statement[], serverVersionNum?: number): { what: string; line: number } | undefined {
  for (const statement of statements) {
    const what = refusedInTransaction(statement.node, serverVersionNum);
    if (what) return { what, line: statement.line };
  }
  return undefined;
}

// A file that leaves its transaction open would take our history write into it, and lose both.
function requireClosedTransaction(file: string, statements: Statement[]): void {
  let opened: Statement | undefined;
  for (const statement of statements) {
    const change = transactionControl(statement.node);
    if (change === 'opens') opened = statement;
    if (change === 'closes') opened = undefined;
  }
  if (opened) {
    throw new MigrateError(`${keyword(opened)} without a COMMIT: the file leaves its transaction open`, {
      file,
      line: opened.line,
      remedy: 'end the file with COMMIT; (or remove its BEGIN: a file without one runs in a transaction of ours)',
    });
  }
}

/**
 * A COMMIT inside a dbmate section that runs in our transaction would make the statements before
 * it permanent and leave the rest, and the history row, to a second transaction.
 */
function transactionControlInDbmate(file: string, control: Statement): MigrateError {
  return new MigrateError(`${keyword(control)} in a migration that runs in a transaction`, {
    file,
    line: control.line,
    remedy:
      'remove BEGIN/COMMIT/ROLLBACK/SAVEPOINT: each file already runs in its own transaction (or mark the section `transaction:false` to run it statement by statement)',
  });
}

function keyword(statement: Statement): string {
  const code = statement.sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  return code.split(/[\s;]+/)[0]!.toUpperCase();
}
