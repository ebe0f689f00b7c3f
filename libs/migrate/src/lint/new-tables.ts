import type { Node, RangeVar } from 'libpg-query';
import { relationName } from './names.ts';

/**
 * Tables created earlier in the same file. They hold no rows yet and no deployed code uses them,
 * so locking, scanning or reshaping them is harmless: the data-safety rules skip them.
 */
export class NewTables {
  private readonly names = new Set<string>();

  has(relation: RangeVar | undefined): boolean {
    return this.names.has(relationName(relation));
  }

  /** Call after checking each statement, in order: a table is "new" from the statement after its CREATE. */
  record(node: Node): void {
    const created = createdRelation(node);
    if (created) this.names.add(relationName(created));
    if ('RenameStmt' in node)
      this.recordRename(node.RenameStmt.renameType, node.RenameStmt.relation, node.RenameStmt.newname);
  }

  /** A new table renamed in the same file is still new under its new name (same schema). */
  private recordRename(type: string | undefined, relation: RangeVar | undefined, newName: string | undefined): void {
    if (type !== 'OBJECT_TABLE' || !newName || !this.has(relation)) return;
    this.names.add(relationName({ ...relation, relname: newName }));
  }
}

function createdRelation(node: Node): RangeVar | undefined {
  if ('CreateStmt' in node) return node.CreateStmt.relation;
  // CREATE TABLE AS / CREATE MATERIALIZED VIEW / SELECT INTO
  if ('CreateTableAsStmt' in node) return node.CreateTableAsStmt.into?.rel;
  if ('SelectStmt' in node) return node.SelectStmt.intoClause?.rel;
  return undefined;
}
