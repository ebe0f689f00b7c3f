import type { Readable } from 'node:stream';

export interface StoredFile {
  /** File name relative to the store's directory or prefix. */
  name: string;
  size: number;
}

/** What the writer knows in advance about a stream, for stores that size their transfers. */
export interface WriteHint {
  /** Size of the database being dumped (pg_database_size). */
  databaseBytes?: number;
}

/** Where backups live: a local directory or an S3 prefix. Writes are all-or-nothing. */
export interface BackupStore {
  /** Human-readable location of the store, secrets masked. */
  readonly location: string;
  readonly kind: 'local' | 's3';
  /** Human-readable location of one file. */
  describe(name: string): string;
  /** Files directly under the directory or prefix, never deeper. */
  list(): Promise<StoredFile[]>;
  /** Stores the stream under `name`; the name becomes visible only once the stream ended without error. */
  write(name: string, body: Readable, hint?: WriteHint): Promise<void>;
  read(name: string): Promise<Readable>;
  remove(name: string): Promise<void>;
  /** A local path to read the file in place, when the store has one. */
  localPath(name: string): string | undefined;
}

export async function readText(store: BackupStore, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(name)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
