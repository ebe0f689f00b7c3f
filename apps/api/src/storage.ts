import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config } from '@shopops/config';
import { NETWORK_CODES, StorageUnavailable } from './outages.ts';

export interface StoredObject {
  body: Readable;
  contentType: string | undefined;
  contentLength: number | undefined;
  etag: string | undefined;
}

export interface PutOptions {
  /** The body's exact size; a stream of unknown size (a multipart part) is uploaded in parts instead. */
  length?: number;
  /** Aborts the upload (e.g. the client went away); nothing is stored then. */
  signal?: AbortSignal;
}

/** The API's object storage: product images in one bucket. */
export interface Storage {
  readonly bucket: string;
  /**
   * Stores the body under `key`, all or nothing: an upload aborted or past S3_DEADLINE_MS leaves no object.
   * Outages (no answer, timeouts, 5xx) throw StorageUnavailable.
   */
  put(key: string, body: Buffer | Readable, contentType: string, options?: PutOptions): Promise<void>;
  /** undefined when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>;
  delete(key: string): Promise<void>;
  /** Succeeds when the bucket exists and the credentials can reach it. */
  ping(signal?: AbortSignal): Promise<void>;
  close(): void;
}

// S3's smallest part; a body up to this size goes up in one PutObject.
const PART_BYTES = 5 * 1024 * 1024;

export function createStorage(s3: Config['s3']): Storage {
  const client = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    // Custom endpoints (MinIO, s3rver, Tigris, R2) address buckets by path; AWS itself by host name.
    forcePathStyle: s3.endpoint !== undefined,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    maxAttempts: 2,
    // A streamed body otherwise goes up aws-chunked with a trailing checksum, which S3-compatible servers
    // (s3rver, some MinIO and R2 set-ups) store as it is; Content-Length and TLS already guard the bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: Math.min(3_000, s3.requestTimeoutMs),
      // Without throwOnRequestTimeout the SDK only logs a warning and the request hangs on.
      requestTimeout: s3.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
  const bucket = s3.bucket;

  /** Every call: the caller's signal and the total deadline abort it; outages become StorageUnavailable. */
  async function call<T>(what: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const deadline = AbortSignal.timeout(s3.deadlineMs);
    const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
    try {
      return await work(combined);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted)
        throw new StorageUnavailable(`${what}: no answer within ${s3.deadlineMs} ms`, { cause: error });
      if (isOutage(error)) throw new StorageUnavailable(`${what}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  }

  /** One PutObject of a known length, else a managed upload in parts; aborted by `outer` and the deadline. */
  function upload(
    key: string,
    body: Buffer | Readable,
    contentType: string,
    length: number | undefined,
    outer: AbortSignal,
  ): Promise<void> {
    return call(
      `put ${key}`,
      async (signal) => {
        if (length !== undefined) {
          // An upload streams from the client, so it gets the whole deadline, not one attempt's timeout.
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentType: contentType,
              ContentLength: length,
            }),
            { abortSignal: signal, requestTimeout: s3.deadlineMs },
          );
          return;
        }
        const managed = new Upload({
          client,
          params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
          partSize: PART_BYTES,
          queueSize: 1,
          leavePartsOnError: false,
        });
        const abort = () => void managed.abort().catch(() => undefined);
        signal.addEventListener('abort', abort, { once: true });
        try {
          await managed.done();
        } finally {
          signal.removeEventListener('abort', abort);
        }
      },
      outer,
    );
  }

  return {
    bucket,
    async put(key, body, contentType, options = {}) {
      const length = Buffer.isBuffer(body) ? body.length : options.length;
      // A body stream that fails (the client went away, a size limit) aborts the upload and is the reason;
      // unlistened, its 'error' would end the process.
      const source = new AbortController();
      let sourceError: unknown;
      if (!Buffer.isBuffer(body)) {
        body.on('error', (error) => {
          sourceError ??= error;
          source.abort(error);
        });
      }
      const signal = options.signal ? AbortSignal.any([options.signal, source.signal]) : source.signal;
      try {
        await upload(key, body, contentType, length, signal);
      } catch (error) {
        throw sourceError ?? error;
      }
    },
    async get(key) {
      try {
        const object = await call(`get ${key}`, (signal) =>
          client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
        );
        return {
          body: object.Body as Readable,
          contentType: object.ContentType,
          contentLength: object.ContentLength,
          etag: object.ETag,
        };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await call(`delete ${key}`, (signal) =>
        client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
      );
    },
    async ping(signal) {
      await call(
        'head bucket',
        (combined) => client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: combined }),
        signal,
      );
    },
    close: () => client.destroy(),
  };
}

/** S3 never answered, answered too late, or failed on its side (5xx, throttling): not the request's fault. */
function isOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { $metadata, name, code } = error as { $metadata?: { httpStatusCode?: number }; name?: string; code?: string };
  if (name === 'TimeoutError' || (code !== undefined && NETWORK_CODES.has(code))) return true;
  // Errors without $metadata did not come from S3 (e.g. the body stream failing on a size limit).
  if (!$metadata) return false;
  const status = $metadata.httpStatusCode;
  return status === undefined || status >= 500 || status === 429;
}
