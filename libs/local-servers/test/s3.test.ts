import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3Server, type TestS3Server } from '../src/index.ts';

function clientFor(server: TestS3Server) {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

describe('startS3Server', () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startS3Server({ buckets: ['tests'] });
  });
  afterAll(() => server?.stop());

  it('stores and lists objects on loopback', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = clientFor(server);
    await s3.send(new PutObjectCommand({ Bucket: 'tests', Key: 'a/b.txt', Body: 'hello' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'tests', Prefix: 'a/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['a/b.txt']);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'tests', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });

  it('aborts multipart uploads, leaving neither object nor parts', async () => {
    const s3 = clientFor(server);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'tests', Key: 'big' }));
    await s3.send(
      new UploadPartCommand({ Bucket: 'tests', Key: 'big', UploadId, PartNumber: 1, Body: Buffer.alloc(1024) }),
    );
    expect(await server.openMultipartUploads('tests')).toEqual([UploadId]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'tests', Key: 'big', UploadId }));
    expect(await server.openMultipartUploads('tests')).toEqual([]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'tests', Prefix: 'big' }));
    expect(listed.Contents ?? []).toEqual([]);
  });

  it('can be killed and restarted with its data', async () => {
    const s3 = clientFor(server);
    await s3.send(new PutObjectCommand({ Bucket: 'tests', Key: 'kept', Body: 'still here' }));
    await server.kill();
    // A pooled keep-alive connection sees the crash as a reset, a new one as a refusal.
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'tests' }))).rejects.toThrow(
      /ECONNREFUSED|ECONNRESET|socket hang up/,
    );
    await server.restart();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'tests', Key: 'kept' }));
    expect(await got.Body?.transformToString()).toBe('still here');
  });

  it('keeps objects in a given directory across separate servers', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 's3-persistent-')), 'data');
    const first = await startS3Server({ buckets: ['uploads'], directory });
    await clientFor(first).send(new PutObjectCommand({ Bucket: 'uploads', Key: 'a.txt', Body: 'kept' }));
    await first.stop();
    const second = await startS3Server({ buckets: ['uploads'], directory });
    try {
      const got = await clientFor(second).send(new GetObjectCommand({ Bucket: 'uploads', Key: 'a.txt' }));
      expect(await got.Body?.transformToString()).toBe('kept');
    } finally {
      await second.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
