import { localStore } from './local-store.ts';
import { s3Store, type S3Options } from './s3-store.ts';
import type { BackupStore } from './store.ts';

export interface StoreOptions {
  /** A local directory (default ./backups) or s3://bucket/prefix. */
  destination?: string;
  s3?: S3Options;
}

export const DEFAULT_DESTINATION = './backups';

export function openStore(options: StoreOptions): BackupStore {
  const destination = options.destination ?? DEFAULT_DESTINATION;
  return destination.startsWith('s3://') ? s3Store(destination, options.s3) : localStore(destination);
}
