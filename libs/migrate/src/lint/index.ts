import { MigrateError } from '../errors.ts';
import { planSection } from '../execution-plan.ts';
import type { Migration, MigrationFormat, MigrationSection } from '../types.ts';
import { checkStatement, type Violation } from './checks.ts';
import { ignoredCodes } from './ignore.ts';
import { NewTables } from './new-tables.ts';
import { remedyFor, ruleFor, type RuleCode } from './rules.ts';
import { loadParser, parseSection, type LocatedStatement } from './statements.ts';
import type { SourceText } from './positions.ts';

export { listRules, type Rule, type RuleCode } from './rules.ts';

export interface LintFinding {
  file: string;
  /** 1-based line in `file` of the statement's first token. */
  line: number;
  /** Stable rule code, e.g. MIG007; what `-- lint:ignore` refers to. */
  code: string;
  /** Rule name, e.g. index-not-concurrent. */
  rule: string;
  /** `note`: how the file will run (outside a transaction), never a failure. */
  severity: 'warning' | 'error' | 'note';
  message: string;
  /** The expand/contract way to make the same change safely. */
  remedy: string;
}

export interface LintOptions {
  /** Report every finding as an error (CI gates on errors). */
  strict?: boolean;
}

/**
 * Lints the up sections of migrations with Postgres' own parser. Down sections are skipped: they
 * exist to undo, so dropping what up created is their job. golang-migrate files that will run
 * outside a transaction (their own BEGIN/COMMIT, or CONCURRENTLY and the like) get a note saying so.
 */
export async function lintMigrations(migrations: Migration[], opts: LintOptions = {}): Promise<LintFinding[]> {
  await loadParser();
  const strict = opts.strict ?? false;
  const findings: LintFinding[] = [];
  for (const migration of migrations) {
    const plan = migration.format === 'golang-migrate' ? await golangMigratePlan(migration, strict) : undefined;
    const section = plan?.outside ? { ...migration.up, transaction: false } : migration.up;
    findings.push(...lintSection(migration.file, section, migration.format, strict), ...(plan?.findings ?? []));
  }
  return findings;
}

/** How `up` will run a golang-migrate file, decided exactly as the runner decides it. */
async function golangMigratePlan(
  migration: Migration,
  strict: boolean,
): Promise<{ outside: boolean; findings: LintFinding[] }> {
  try {
    const plan = await planSection(migration, 'up');
    if (plan.mode === 'transaction') return { outside: false, findings: [] };
    const how =
      plan.mode === 'as-written' ? 'runs as written, outside a transaction of ours' : 'runs outside a transaction';
    const message = `${how} (${plan.reason}); a failure part-way leaves the database dirty at ${migration.version}`;
    const format = migration.format;
    return {
      outside: true,
      findings: [finding('MIG011', message, migration.file, plan.reasonLine ?? 1, strict, format)],
    };
  } catch (error) {
    // Parse errors are MIG010, reported by the section's own lint.
    if (!(error instanceof MigrateError) || !/without a COMMIT/.test(error.message))
      return { outside: false, findings: [] };
    const message = error.message.replace(/^.*?:\d+: /, '');
    return {
      outside: true,
      findings: [finding('MIG012', message, migration.file, error.line ?? 1, strict, migration.format)],
    };
  }
}

/** `file:line: severity CODE rule: message` and the remedy on an indented second line. */
export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}: ${f.severity} ${f.code} ${f.rule}: ${f.message}\n  remedy: ${f.remedy}`;
}

function lintSection(file: string, section: MigrationSection, format: MigrationFormat, strict: boolean): LintFinding[] {
  const parsed = parseSection(section.sql);
  if (!parsed.ok) return [finding('MIG010', parsed.message, file, section.startLine + parsed.line, strict, format)];
  const newTables = new NewTables();
  const findings: LintFinding[] = [];
  for (const statement of parsed.statements) {
    const violations = checkStatement(statement.node, { transaction: section.transaction, newTables });
    newTables.record(statement.node);
    const line = section.startLine + parsed.source.lineOfByte(statement.offset);
    for (const violation of unsilenced(violations, parsed.source, statement)) {
      findings.push(finding(violation.code, violation.message, file, line, strict, format));
    }
  }
  return findings;
}

/** Drops violations silenced by `-- lint:ignore`; a statement that cannot run is never silenced. */
function unsilenced(violations: Violation[], source: SourceText, statement: LocatedStatement): Violation[] {
  if (violations.length === 0) return violations;
  const ignored = ignoredCodes(source, statement.leadingComments, statement.offset);
  return violations.filter((v) => ruleFor(v.code).alwaysError || !ignored.has(v.code));
}

function finding(
  code: RuleCode,
  message: string,
  file: string,
  line: number,
  strict: boolean,
  format: MigrationFormat,
): LintFinding {
  const rule = ruleFor(code);
  return {
    file,
    line,
    code,
    rule: rule.name,
    severity: rule.note ? 'note' : strict || rule.alwaysError ? 'error' : 'warning',
    message,
    remedy: remedyFor(rule, format),
  };
}
