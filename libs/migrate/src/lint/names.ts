import type { Node, RangeVar } from 'libpg-query';

/**
 * Without a search_path, unqualified names resolve to public, so `orders` and `public.orders`
 * must compare equal when deciding whether a table was created earlier in the same file.
 */
export const DEFAULT_SCHEMA = 'public';

/** `schema.name` of a relation as written in a statement (ALTER TABLE x, CREATE INDEX ON x, …). */
export function relationName(relation: RangeVar | undefined): string {
  return `${relation?.schemaname ?? DEFAULT_SCHEMA}.${relation?.relname ?? '?'}`;
}

/** An object given as a dotted name list, as in DROP TABLE / DROP INDEX, as a relation. */
export function dottedRelation(object: Node): RangeVar {
  const parts = 'List' in object ? (object.List.items ?? []).map(stringValue) : [stringValue(object)];
  // catalog.schema.name is legal; the catalog can only be the current database, so it is dropped.
  const [relname, schemaname] = parts.reverse();
  return { schemaname, relname };
}

export function stringValue(node: Node): string {
  return 'String' in node ? (node.String.sval ?? '') : '?';
}
