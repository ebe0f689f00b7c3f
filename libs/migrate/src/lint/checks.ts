import type {
  AlterTableCmd,
  AlterTableStmt,
  ColumnDef,
  Constraint,
  DefElem,
  DropStmt,
  IndexStmt,
  Node,
  ReindexStmt,
  RenameStmt,
} from 'libpg-query';
import { dottedRelation, relationName, stringValue } from './names.ts';
import type { NewTables } from './new-tables.ts';
import type { RuleCode } from './rules.ts';

/** What a check needs to know beyond the statement itself. */
export interface CheckContext {
  /** The section runs inside a transaction (no `transaction:false`). */
  transaction: boolean;
  newTables: NewTables;
}

export interface Violation {
  code: RuleCode;
  message: string;
}

/** The rule violations of one top-level statement. */
export function checkStatement(node: Node, context: CheckContext): Violation[] {
  if ('DropStmt' in node) return checkDrop(node.DropStmt, context);
  if ('AlterTableStmt' in node) return checkAlterTable(node.AlterTableStmt, context);
  if ('RenameStmt' in node) return checkRename(node.RenameStmt, context);
  if ('IndexStmt' in node) return checkCreateIndex(node.IndexStmt, context);
  if ('ReindexStmt' in node) return checkReindex(node.ReindexStmt, context);
  return [];
}

function checkDrop(stmt: DropStmt, context: CheckContext): Violation[] {
  const objects = (stmt.objects ?? []).map(dottedRelation);
  switch (stmt.removeType) {
    case 'OBJECT_TABLE': {
      const existing = objects.filter((table) => !context.newTables.has(table)).map(relationName);
      if (existing.length === 0) return [];
      return [
        { code: 'MIG001', message: `drops table ${existing.join(', ')} while the running release may still use it` },
      ];
    }
    case 'OBJECT_SCHEMA': {
      const schemas = (stmt.objects ?? []).map(stringValue);
      return [{ code: 'MIG001', message: `drops schema ${schemas.join(', ')} and every table in it` }];
    }
    case 'OBJECT_INDEX':
      return checkDropIndex(stmt, objects.map(relationName), context);
    default:
      return [];
  }
}

function checkDropIndex(stmt: DropStmt, indexes: string[], context: CheckContext): Violation[] {
  const names = indexes.join(', ');
  if (stmt.concurrent)
    return context.transaction ? [concurrentlyInTransaction(`DROP INDEX CONCURRENTLY ${names}`)] : [];
  return [
    {
      code: 'MIG008',
      message: `drops index ${names} without CONCURRENTLY: takes an ACCESS EXCLUSIVE lock on its table, blocking reads and writes`,
    },
  ];
}

function checkAlterTable(stmt: AlterTableStmt, context: CheckContext): Violation[] {
  // ALTER INDEX / VIEW / SEQUENCE … share this node; only tables hold the data these rules protect.
  if (stmt.objtype !== 'OBJECT_TABLE') return [];
  const table = relationName(stmt.relation);
  const isNew = context.newTables.has(stmt.relation);
  return (stmt.cmds ?? []).flatMap((node) =>
    'AlterTableCmd' in node ? checkAlterTableCommand(node.AlterTableCmd, table, isNew, context) : [],
  );
}

function checkAlterTableCommand(cmd: AlterTableCmd, table: string, isNew: boolean, context: CheckContext): Violation[] {
  // DETACH PARTITION CONCURRENTLY is refused in a transaction even on a table created just before.
  if (cmd.subtype === 'AT_DetachPartition') return checkDetachPartition(cmd, table, context);
  if (isNew) return [];
  switch (cmd.subtype) {
    case 'AT_DropColumn':
      return [
        {
          code: 'MIG002',
          message: `drops column ${table}.${cmd.name} while the running release may still read or write it`,
        },
      ];
    case 'AT_SetNotNull':
      return [
        {
          code: 'MIG005',
          message: `sets NOT NULL on ${table}.${cmd.name}: scans the whole table under an ACCESS EXCLUSIVE lock and fails if any row is NULL`,
        },
      ];
    case 'AT_AddColumn':
      return cmd.def && 'ColumnDef' in cmd.def ? checkAddColumn(cmd.def.ColumnDef, table) : [];
    case 'AT_AddConstraint':
      return cmd.def && 'Constraint' in cmd.def ? checkAddConstraint(cmd.def.Constraint, table) : [];
    default:
      return [];
  }
}

function checkDetachPartition(cmd: AlterTableCmd, table: string, context: CheckContext): Violation[] {
  const partition = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
  if (!partition?.concurrent || !context.transaction) return [];
  return [
    concurrentlyInTransaction(`ALTER TABLE ${table} DETACH PARTITION ${relationName(partition.name)} CONCURRENTLY`),
  ];
}

function checkAddColumn(column: ColumnDef, table: string): Violation[] {
  const kinds = new Set(
    (column.constraints ?? []).map((node) => ('Constraint' in node ? node.Constraint.contype : undefined)),
  );
  const name = `${table}.${column.colname}`;
  if (kinds.has('CONSTR_PRIMARY') || kinds.has('CONSTR_UNIQUE')) {
    return [
      {
        code: 'MIG006',
        message: `adds column ${name} with a ${kinds.has('CONSTR_PRIMARY') ? 'PRIMARY KEY' : 'UNIQUE'} constraint: builds its index while blocking writes`,
      },
    ];
  }
  if (kinds.has('CONSTR_NOTNULL') && !hasGeneratedValue(column, kinds)) {
    return [
      {
        code: 'MIG005',
        message: `adds column ${name} NOT NULL without a DEFAULT: fails as soon as the table has a row`,
      },
    ];
  }
  return [];
}

const SERIAL_TYPES = new Set(['smallserial', 'serial2', 'serial', 'serial4', 'bigserial', 'serial8']);

/** A column whose value Postgres fills in for existing rows (DEFAULT, identity, generated, serial). */
function hasGeneratedValue(column: ColumnDef, kinds: Set<string | undefined>): boolean {
  if (kinds.has('CONSTR_DEFAULT') || kinds.has('CONSTR_IDENTITY') || kinds.has('CONSTR_GENERATED')) return true;
  const typeNames = column.typeName?.names ?? [];
  const [only] = typeNames;
  return typeNames.length === 1 && only !== undefined && SERIAL_TYPES.has(stringValue(only));
}

function checkAddConstraint(constraint: Constraint, table: string): Violation[] {
  const name = constraint.conname ? ` ${constraint.conname}` : '';
  const columns = (constraint.keys ?? []).map(stringValue).join(', ');
  switch (constraint.contype) {
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY': {
      // ... USING INDEX attaches an index built beforehand (ideally CONCURRENTLY): that is the remedy.
      if (constraint.indexname) return [];
      const kind = constraint.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
      return [
        {
          code: 'MIG006',
          message: `adds ${kind} constraint${name} (${columns}) to ${table}: builds its index while blocking writes and fails on existing duplicates`,
        },
      ];
    }
    case 'CONSTR_NOTNULL':
      // Postgres 18's NOT NULL ... NOT VALID skips the scan, like a NOT VALID check.
      if (constraint.skip_validation) return [];
      return [
        {
          code: 'MIG005',
          message: `adds NOT NULL constraint${name} on ${table} (${columns}): scans the whole table under an ACCESS EXCLUSIVE lock and fails if any row is NULL`,
        },
      ];
    default:
      return [];
  }
}

function checkRename(stmt: RenameStmt, context: CheckContext): Violation[] {
  if (context.newTables.has(stmt.relation)) return [];
  const table = relationName(stmt.relation);
  if (stmt.renameType === 'OBJECT_TABLE') {
    return [
      {
        code: 'MIG003',
        message: `renames table ${table} to ${stmt.newname}: the running release still uses the old name`,
      },
    ];
  }
  if (stmt.renameType === 'OBJECT_COLUMN' && stmt.relationType === 'OBJECT_TABLE') {
    return [
      {
        code: 'MIG004',
        message: `renames column ${table}.${stmt.subname} to ${stmt.newname}: the running release still uses the old name`,
      },
    ];
  }
  return [];
}

function checkCreateIndex(stmt: IndexStmt, context: CheckContext): Violation[] {
  const table = relationName(stmt.relation);
  const index = stmt.idxname ?? '(unnamed)';
  if (stmt.concurrent) {
    return context.transaction ? [concurrentlyInTransaction(`CREATE INDEX CONCURRENTLY ${index} ON ${table}`)] : [];
  }
  if (context.newTables.has(stmt.relation)) return [];
  if (stmt.unique) {
    return [
      {
        code: 'MIG006',
        message: `creates unique index ${index} on ${table} without CONCURRENTLY: blocks writes while it builds and fails on existing duplicates`,
      },
    ];
  }
  return [
    {
      code: 'MIG007',
      message: `creates index ${index} on ${table} without CONCURRENTLY: blocks writes to the table while it builds`,
    },
  ];
}

function checkReindex(stmt: ReindexStmt, context: CheckContext): Violation[] {
  const concurrently = (stmt.params ?? []).some(
    (node) => 'DefElem' in node && isEnabledOption(node.DefElem, 'concurrently'),
  );
  if (!concurrently || !context.transaction) return [];
  const target = stmt.relation ? relationName(stmt.relation) : (stmt.name ?? '');
  return [concurrentlyInTransaction(`REINDEX CONCURRENTLY ${target}`.trim())];
}

/** `(CONCURRENTLY)`, `(CONCURRENTLY true)`, `(CONCURRENTLY on)`: Postgres' defGetBoolean spellings. */
function isEnabledOption(option: DefElem, name: string): boolean {
  if (option.defname !== name) return false;
  const arg = option.arg;
  if (!arg) return true;
  if ('Boolean' in arg) return arg.Boolean.boolval === true;
  // Zero-valued fields are omitted from the parse tree: `Integer: {}` is 0.
  if ('Integer' in arg) return (arg.Integer.ival ?? 0) !== 0;
  if ('String' in arg) return !['false', 'off', '0', 'no'].includes((arg.String.sval ?? '').toLowerCase());
  return true;
}

function concurrentlyInTransaction(statement: string): Violation {
  return {
    code: 'MIG009',
    message: `${statement} in a transactional section: Postgres refuses it inside a transaction block, so this migration cannot apply`,
  };
}
