import { resolve } from 'node:path';
import { startS3Server, type TestS3Server } from '@shopops/local-servers';

export const LOCAL_BUCKETS = ['uploads', 'backups'];

/** An S3 server on 127.0.0.1 (s3rver) keeping its buckets under <dataDir>/s3 between starts. */
export function localS3(dataDir: string, port: number): Promise<TestS3Server> {
  return startS3Server({ buckets: LOCAL_BUCKETS, directory: resolve(dataDir, 's3'), port });
}
