import type { Node } from 'libpg-query';

/**
 * Statements Postgres refuses inside a transaction block ("cannot run inside a transaction
 * block", SQLSTATE 25001), by what the parser says they are, not by their spelling.
 * `serverVersionNum` is server_version_num; unknown (lint, without a server) counts as current.
 */
export function refusedInTransaction(node: Node, serverVersionNum = Number.POSITIVE_INFINITY): string | undefined {
  if ('IndexStmt' in node) return node.IndexStmt.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
  if ('DropStmt' in node) return node.DropStmt.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
  if ('VacuumStmt' in node) return node.VacuumStmt.is_vacuumcmd ? 'VACUUM' : undefined;
  if ('ReindexStmt' in node) return reindex(node);
  if ('CreatedbStmt' in node) return 'CREATE DATABASE';
  if ('DropdbStmt' in node) return 'DROP DATABASE';
  if ('AlterSystemStmt' in node) return 'ALTER SYSTEM';
  if ('CreateTableSpaceStmt' in node) return 'CREATE TABLESPACE';
  if ('DropTableSpaceStmt' in node) return 'DROP TABLESPACE';
  if ('AlterTableStmt' in node) return detachConcurrently(node);
  // Postgres 12 allows ALTER TYPE … ADD VALUE in a transaction (the new value is usable after COMMIT).
  if ('AlterEnumStmt' in node && node.AlterEnumStmt.newVal !== undefined && !node.AlterEnumStmt.oldVal) {
    return serverVersionNum < 120_000 ? 'ALTER TYPE … ADD VALUE (before Postgres 12)' : undefined;
  }
  return undefined;
}

function reindex(node: Extract<Node, { ReindexStmt: unknown }>): string | undefined {
  const { kind, params = [] } = node.ReindexStmt;
  const concurrently = params.some(
    (param) => 'DefElem' in param && param.DefElem.defname === 'concurrently' && !isFalse(param.DefElem.arg),
  );
  if (concurrently) return 'REINDEX CONCURRENTLY';
  if (kind === 'REINDEX_OBJECT_SYSTEM' || kind === 'REINDEX_OBJECT_DATABASE') return `REINDEX ${kind.slice(15)}`;
  return undefined;
}

function detachConcurrently(node: Extract<Node, { AlterTableStmt: unknown }>): string | undefined {
  const detaches = (node.AlterTableStmt.cmds ?? []).some(
    (cmd) =>
      'AlterTableCmd' in cmd &&
      cmd.AlterTableCmd.subtype === 'AT_DetachPartition' &&
      cmd.AlterTableCmd.def !== undefined &&
      'PartitionCmd' in cmd.AlterTableCmd.def &&
      cmd.AlterTableCmd.def.PartitionCmd.concurrent === true,
  );
  return detaches ? 'ALTER TABLE … DETACH PARTITION CONCURRENTLY' : undefined;
}

// `(CONCURRENTLY false)` / `off` / `0`: Postgres' defGetBoolean spellings of false.
function isFalse(arg: Node | undefined): boolean {
  if (!arg) return false;
  if ('Boolean' in arg) return arg.Boolean.boolval !== true;
  if ('Integer' in arg) return (arg.Integer.ival ?? 0) === 0;
  if ('String' in arg) return ['false', 'off', '0', 'no'].includes((arg.String.sval ?? '').toLowerCase());
  return false;
}

export type TransactionControl = 'opens' | 'closes' | 'neutral';

/** How a TransactionStmt changes the session's transaction block: BEGIN opens, COMMIT/ROLLBACK close, SAVEPOINT neither. */
export function transactionControl(node: Node): TransactionControl | undefined {
  if (!('TransactionStmt' in node)) return undefined;
  const { kind, chain } = node.TransactionStmt;
  if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') return 'opens';
  if ((kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') && !chain) return 'closes';
  if (kind === 'TRANS_STMT_PREPARE') return 'closes';
  return 'neutral';
}
