import type { Migration, MigrationSection } from '../types.ts';
import { checkStatement, type Violation } from './checks.ts';
import { ignoredCodes } from './ignore.ts';
import { NewTables } from './new-tables.ts';
import { ruleFor, type RuleCode } from './rules.ts';
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
  severity: 'warning' | 'error';
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
 * exist to undo, so dropping what up created is their job.
 */
export async function lintMigrations(migrations: Migration[], opts: LintOptions = {}): Promise<LintFinding[]> {
  await loadParser();
  return migrations.flatMap((migration) => lintSection(migration.file, migration.up, opts.strict ?? false));
}

/** `file:line: severity CODE rule: message` and the remedy on an indented second line. */
export function formatFinding(f: LintFinding): string {
  return `${f.file}:${f.line}: ${f.severity} ${f.code} ${f.rule}: ${f.message}\n  remedy: ${f.remedy}`;
}

function lintSection(file: string, section: MigrationSection, strict: boolean): LintFinding[] {
  const parsed = parseSection(section.sql);
  if (!parsed.ok) return [finding('MIG010', parsed.message, file, section.startLine + parsed.line, strict)];
  const newTables = new NewTables();
  const findings: LintFinding[] = [];
  for (const statement of parsed.statements) {
    const violations = checkStatement(statement.node, { transaction: section.transaction, newTables });
    newTables.record(statement.node);
    const line = section.startLine + parsed.source.lineOfByte(statement.offset);
    for (const violation of unsilenced(violations, parsed.source, statement)) {
      findings.push(finding(violation.code, violation.message, file, line, strict));
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

function finding(code: RuleCode, message: string, file: string, line: number, strict: boolean): LintFinding {
  const rule = ruleFor(code);
  return {
    file,
    line,
    code,
    rule: rule.name,
    severity: strict || rule.alwaysError ? 'error' : 'warning',
    message,
    remedy: rule.remedy,
  };
}
