import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { TestS3Server } from '@shopops/local-servers';
import { BUCKET } from './stack.ts';

/** A client of the test S3 server, to look at what the API stored there (destroy() it when done). */
export function bucketClient(s3: TestS3Server): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

/** The keys stored for a product's images. */
export async function imageKeysOf(client: S3Client, productId: number): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `products/${productId}/` }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}
