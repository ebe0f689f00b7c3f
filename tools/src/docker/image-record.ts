import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a build leaves in dist/<project>/image.json for later steps (deploy, canary) to read. */
export interface ImageRecord {
  project: string;
  /** The main reference: name@digest when pushed, else the first name:tag. */
  image: string;
  references: string[];
  tags: string[];
  /** The local image ID (config digest). */
  imageId: string;
  /** The registry manifest digest, when pushed. */
  digest: string | null;
  engine: string;
  platforms: string[];
  pushed: boolean;
  labels: Record<string, string>;
}

/** Written to a temporary file first, so a reader never sees half a record. */
export function writeImageRecord(path: string, record: ImageRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
  renameSync(temporary, path);
}
