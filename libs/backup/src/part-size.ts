const MiB = 1024 * 1024;

/** S3 allows 10,000 parts; planning for 9,000 leaves room for a dump larger than expected. */
const PLANNED_PARTS = 9_000;
/** Small parts keep memory low: lib-storage holds a part while it fills and another while it uploads. */
export const MIN_PART_SIZE = 8 * MiB;
/** Without an estimate: parts big enough for a 500 GiB dump within S3's 10,000 parts. */
export const PART_SIZE_WITHOUT_ESTIMATE = Math.ceil((500 * 1024) / 10_000) * MiB;
/**
 * A dump can be larger than the database on disk (bytea is written as hex) though it is usually
 * smaller (no indexes, compressed); twice the database size bounds it in practice.
 */
const DUMP_TO_DATABASE_RATIO = 2;

/**
 * Multipart part size for a dump of a database of `databaseBytes`: the smallest whole number of MiB
 * (at least 8 MiB) that fits the dump in the planned number of parts. Memory grows with the part
 * size, so small databases get small parts and only huge ones large parts.
 */
export function partSizeFor(databaseBytes: number | undefined): number {
  if (databaseBytes === undefined) return PART_SIZE_WITHOUT_ESTIMATE;
  const needed = Math.ceil((databaseBytes * DUMP_TO_DATABASE_RATIO) / PLANNED_PARTS / MiB) * MiB;
  return Math.max(MIN_PART_SIZE, needed);
}
