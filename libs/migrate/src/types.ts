/** One side (up or down) of a migration file. */
export interface MigrationSection {
  /** SQL text of the section, exactly as in the file (line endings normalised to \n). */
  sql: string;
  /** 1-based line in the file where `sql` starts, so parser/server positions map back to file lines. */
  startLine: number;
  /** false for `-- migrate:up transaction:false`: statements run one by one outside a transaction. */
  transaction: boolean;
}

export type MigrationFormat = 'dbmate' | 'golang-migrate';

/** A migration as read from disk. */
export interface Migration {
  /** The version string from the file name: 14 digits for dbmate, any digits for golang-migrate. */
  version: string;
  name: string;
  /** Path of the up file (the only file for dbmate). */
  file: string;
  /** Path of the down file for golang-migrate, otherwise the same as `file`. */
  downFile: string;
  format: MigrationFormat;
  up: MigrationSection;
  /** Absent when the file has no down section (the migration is irreversible). */
  down?: MigrationSection;
  /** SHA-256 (hex) of the file's content with line endings normalised; for golang-migrate, of up + down. */
  checksum: string;
}
