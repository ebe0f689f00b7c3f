/**
 * The lint rules: stable codes (scripts and `-- lint:ignore` comments refer to them, so a code is
 * never reused or renumbered), a short name, and the expand/contract remedy printed with every finding.
 */
export type RuleCode =
  | 'MIG001'
  | 'MIG002'
  | 'MIG003'
  | 'MIG004'
  | 'MIG005'
  | 'MIG006'
  | 'MIG007'
  | 'MIG008'
  | 'MIG009'
  | 'MIG010'
  | 'MIG011'
  | 'MIG012';

/** Where remedies say "a file that runs outside a transaction"; each folder format spells it its own way. */
export const OUTSIDE_TRANSACTION_FILE = '{outside-transaction-file}';

export interface Rule {
  code: RuleCode;
  name: string;
  remedy: string;
  /**
   * The statement fails at run time whatever the data (or the file cannot be read at all), so the
   * finding is an error even without --strict, and it cannot be silenced with `-- lint:ignore`.
   */
  alwaysError: boolean;
  /** Information, not a problem: never an error, not even with --strict. */
  note?: boolean;
}

const RULE_LIST: Rule[] = [
  {
    code: 'MIG001',
    name: 'drop-table',
    remedy:
      'stop reading and writing it in a release first (old instances still run during a deploy), then drop it in a later migration',
    alwaysError: false,
  },
  {
    code: 'MIG002',
    name: 'drop-column',
    remedy:
      'stop reading and writing the column in a release first (ignore it in the ORM/queries), then drop it in a later migration',
    alwaysError: false,
  },
  {
    code: 'MIG003',
    name: 'rename-table',
    remedy:
      'expand/contract: create the new table, dual-write from the app, backfill, switch reads to it, then drop the old table in a later migration (or leave a view with the old name during the switch)',
    alwaysError: false,
  },
  {
    code: 'MIG004',
    name: 'rename-column',
    remedy:
      'expand/contract: add the new column, dual-write from the app, backfill, switch reads to it, then drop the old column in a later migration',
    alwaysError: false,
  },
  {
    code: 'MIG005',
    name: 'not-null-on-existing',
    remedy:
      'add the column nullable (or with a DEFAULT), backfill, then ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in a later migration; then SET NOT NULL (it uses the validated check and skips the full scan)',
    alwaysError: false,
  },
  {
    code: 'MIG006',
    name: 'unique-on-existing',
    remedy: `CREATE UNIQUE INDEX CONCURRENTLY in ${OUTSIDE_TRANSACTION_FILE}, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE/PRIMARY KEY USING INDEX in a later migration`,
    alwaysError: false,
  },
  {
    code: 'MIG007',
    name: 'index-not-concurrent',
    remedy: `use CREATE INDEX CONCURRENTLY in ${OUTSIDE_TRANSACTION_FILE} (a plain CREATE INDEX blocks writes to the table while it builds)`,
    alwaysError: false,
  },
  {
    code: 'MIG008',
    name: 'drop-index-not-concurrent',
    remedy: `use DROP INDEX CONCURRENTLY in ${OUTSIDE_TRANSACTION_FILE} (a plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table)`,
    alwaysError: false,
  },
  {
    code: 'MIG009',
    name: 'concurrently-in-transaction',
    remedy: `move the statement to ${OUTSIDE_TRANSACTION_FILE}; Postgres refuses CONCURRENTLY inside a transaction block`,
    alwaysError: true,
  },
  {
    code: 'MIG010',
    name: 'parse-error',
    remedy: 'fix the SQL at the reported line; the migration would fail the same way when applied',
    alwaysError: true,
  },
  {
    code: 'MIG011',
    name: 'outside-transaction',
    remedy:
      'nothing to change: golang-migrate runs it the same way; a failure part-way leaves the database dirty at its version (fix the database, then `migrate force <version>`), so keep such files to one statement',
    alwaysError: false,
    note: true,
  },
  {
    code: 'MIG012',
    name: 'unclosed-transaction',
    remedy: 'end the file with COMMIT; or remove its BEGIN (a file without one runs in a transaction of ours)',
    alwaysError: true,
  },
];

/** The remedy with the non-transactional file spelled for the folder's format. */
export function remedyFor(rule: Rule, format: 'dbmate' | 'golang-migrate'): string {
  const file =
    format === 'dbmate'
      ? 'its own file marked `-- migrate:up transaction:false`'
      : 'its own file (in a golang-migrate folder such a file runs outside a transaction by itself)';
  return rule.remedy.replaceAll(OUTSIDE_TRANSACTION_FILE, file);
}

export const RULES: ReadonlyMap<RuleCode, Rule> = new Map(RULE_LIST.map((rule) => [rule.code, rule]));

export function ruleFor(code: RuleCode): Rule {
  const rule = RULES.get(code);
  if (!rule) throw new Error(`unknown lint rule ${code}`);
  return rule;
}

/** All rules in code order, e.g. for `migrate lint --help` or documentation. */
export function listRules(): readonly Rule[] {
  return RULE_LIST;
}
