import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BackupError, describeError } from './errors.ts';
import { maskSecrets, registerSecret } from './mask.ts';
import { partSizeFor } from './part-size.ts';
import type { BackupStore, StoredFile } from './store.ts';

export interface S3Options {
  /** Endpoint override for MinIO and other S3-compatible servers, e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style addressing (http://host/bucket/key), which most non-AWS servers need. Default: true with an endpoint. */
  forcePathStyle?: boolean;
  /** Multipart part size in bytes; default from the size hint of each write (see partSizeFor). */
  partSize?: number;
  /** Parts uploaded at once (default QUEUE_SIZE); memory grows by one part size per extra part. */
  queueSize?: number;
}

/**
 * One part in flight: lib-storage holds the part being filled and the part being uploaded, so peak
 * memory is about (queueSize + 1) × part size on top of the process itself.
 */
export const QUEUE_SIZE = 1;

export function parseS3Destination(destination: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(destination);
  if (!match?.[1]) {
    throw new BackupError(`not an S3 destination: ${destination}`, { remedy: 'use s3://bucket or s3://bucket/prefix' });
  }
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

export function createS3Client(options: S3Options): S3Client {
  // The SDK's notice that its 2027 releases need Node 22 is not about the pinned version we run, and
  // it would open every backup's output on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  registerSecret(options.secretAccessKey);
  registerSecret(options.accessKeyId);
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? !!options.endpoint,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    // Non-AWS servers reject or mangle the newer default checksum trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A connection that goes silent (a partition, a wedged server) fails instead of hanging the backup.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 5 * 60_000 },
  });
}

/**
 * Calls the listener registered for an object key when a request about it fails for good (after the
 * SDK's retries). lib-storage can wait forever on its body stream after a part fails, so a write
 * learns of the failure here and stops the stream itself.
 */
function watchFailures(client: S3Client) {
  const listeners = new Map<string, (error: unknown) => void>();
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const key = (args.input as { Key?: string }).Key;
        if (key) listeners.get(key)?.(error);
        throw error;
      }
    },
    { step: 'initialize', name: 'backupFailureWatch' },
  );
  return {
    /** A promise that rejects when a request about `key` fails; stop() unregisters. */
    watch(key: string) {
      let stop = () => {};
      const failed = new Promise<never>((_, reject) => {
        listeners.set(key, reject);
        stop = () => listeners.delete(key);
      });
      failed.catch(() => undefined);
      return { failed, stop };
    },
  };
}

/** Backups under an S3 prefix. Multipart uploads become visible only on completion and are aborted on failure. */
export function s3Store(destination: string, options: S3Options = {}): BackupStore {
  const { bucket, prefix } = parseS3Destination(destination);
  const client = createS3Client(options);
  const failures = watchFailures(client);
  const keyOf = (name: string) => (prefix ? `${prefix}/${name}` : name);
  const describe = (name: string) => `s3://${bucket}/${keyOf(name)}`;
  const fail = (action: string, name: string | undefined, error: unknown): never => {
    const where = name ? describe(name) : `s3://${bucket}/${prefix}`;
    throw new BackupError(maskSecrets(`${action} ${where} failed: ${describeS3Error(error)}`), {
      remedy: 'check the endpoint, bucket, credentials and that the server is reachable',
      cause: error,
    });
  };

  return {
    location: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
    kind: 's3',
    describe,
    localPath: () => undefined,
    async list() {
      const files: StoredFile[] = [];
      const listPrefix = prefix ? `${prefix}/` : '';
      let token: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefix, Delimiter: '/', ContinuationToken: token }),
          );
          for (const object of page.Contents ?? []) {
            const name = object.Key?.slice(listPrefix.length);
            if (name && !name.includes('/')) files.push({ name, size: object.Size ?? 0 });
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        fail('listing', undefined, error);
      }
      return files;
    },
    async write(name, body, hint) {
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: keyOf(name), Body: body },
        partSize: options.partSize ?? partSizeFor(hint?.databaseBytes),
        queueSize: options.queueSize ?? QUEUE_SIZE,
        leavePartsOnError: false,
      });
      const failure = failures.watch(keyOf(name));
      try {
        await Promise.race([upload.done(), failure.failed]);
      } catch (error) {
        body.destroy();
        void upload.abort().catch(() => undefined);
        const orphan = upload.uploadId ? await abortUpload(client, bucket, keyOf(name), upload.uploadId) : undefined;
        if (error instanceof BackupError && !orphan) throw error;
        const reason =
          error instanceof BackupError
            ? error.message
            : `upload of ${describe(name)} failed: ${describeS3Error(error)}`;
        throw new BackupError(maskSecrets(orphan ? `${reason}; ${orphan}` : reason), {
          remedy: orphan
            ? 'nothing is visible under the name; add a lifecycle rule AbortIncompleteMultipartUpload to reclaim the parts'
            : error instanceof BackupError
              ? error.remedy
              : 'check the endpoint, bucket, credentials and that the server is reachable, then run the backup again',
          cause: error,
        });
      } finally {
        failure.stop();
      }
    },
    async read(name) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(name) }));
        return response.Body as Readable;
      } catch (error) {
        return fail('reading', name, error);
      }
    },
    async remove(name) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(name) }));
      } catch (error) {
        fail('deleting', name, error);
      }
    },
  };
}

/** Pauses between abort attempts: about 15 s in all, long enough for a restarting server to come back. */
const ABORT_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

/**
 * lib-storage aborts on failure, but a server that just died makes that fail too; retry with backoff
 * (a restarting server or a dropped connection comes back within that). Parts left behind would be
 * billed and invisible, so a failed backup spends a few more seconds on this rather than give up.
 * Returns a note about the orphaned upload when it could not be aborted.
 */
async function abortUpload(client: S3Client, bucket: string, key: string, uploadId: string) {
  for (const delay of [...ABORT_RETRY_DELAYS_MS, undefined]) {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      return undefined;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchUpload') return undefined;
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return `multipart upload ${uploadId} could not be aborted`;
}

function describeS3Error(error: unknown): string {
  const named = error as { name?: string; Code?: string; code?: string; message?: string };
  const code = named.Code ?? named.code;
  const message = describeError(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
