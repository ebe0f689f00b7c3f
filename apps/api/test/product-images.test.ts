import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/index.ts';
import { createProduct } from './support/catalogue.ts';
import {
  BUCKET,
  buildTestApp,
  JPEG_BYTES,
  PNG_BYTES,
  startTestStack,
  type TestApp,
  type TestStack,
} from './support/stack.ts';

let stack: TestStack;
let t: TestApp;
let s3: S3Client;

beforeAll(async () => {
  stack = await startTestStack();
  t = await buildTestApp(stack, { IMAGE_MAX_BYTES: '2048' });
  s3 = new S3Client({
    endpoint: stack.s3.endpoint,
    region: stack.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: stack.s3.accessKeyId, secretAccessKey: stack.s3.secretAccessKey },
  });
});
afterAll(async () => {
  s3?.destroy();
  await t?.app.close();
  await stack?.stop();
});

const admin = () => ({ authorization: `Bearer ${t.adminToken}` });

async function keysOf(productId: number): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `products/${productId}/` }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

function multipartBody(filename: string, type: string, bytes: Buffer) {
  const boundary = '----shopops-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('product images', () => {
  it('stores a raw PNG in the bucket, links it from the product and serves it back', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-1', name: 'Mug', priceCents: 5000 });
    const put = await t.app.inject({
      method: 'PUT',
      url: `/products/${product.id}/image`,
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: PNG_BYTES,
    });
    expect(put.statusCode, put.body).toBe(200);
    const updated = put.json<Product>();
    expect(updated.imageUrl).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:8080/products/${product.id}/image\\?v=[0-9a-f-]{36}$`),
    );

    const [key] = await keysOf(product.id);
    expect(key).toMatch(/\.png$/);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(PNG_BYTES)).toBe(true);
    expect(stored.ContentType).toBe('image/png');

    const served = await t.app.inject({
      method: 'GET',
      url: new URL(updated.imageUrl!).pathname + new URL(updated.imageUrl!).search,
    });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.rawPayload.equals(PNG_BYTES)).toBe(true);
    const revalidated = await t.app.inject({
      method: 'GET',
      url: `/products/${product.id}/image`,
      headers: { 'if-none-match': served.headers.etag as string },
    });
    expect(revalidated.statusCode).toBe(304);
  });

  it('accepts multipart uploads and replaces the previous image (deleting its object)', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-2', name: 'Plate', priceCents: 5000 });
    const first = await t.app.inject({
      method: 'PUT',
      url: `/products/${product.id}/image`,
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: PNG_BYTES,
    });
    expect(first.statusCode).toBe(200);
    const { body, contentType } = multipartBody('plate.jpg', 'image/jpeg', JPEG_BYTES);
    const second = await t.app.inject({
      method: 'PUT',
      url: `/products/${product.id}/image`,
      headers: { ...admin(), 'content-type': contentType },
      payload: body,
    });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<Product>().imageUrl).not.toBe(first.json<Product>().imageUrl);
    const keys = await keysOf(product.id);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/\.jpg$/);
    const served = await t.app.inject({ method: 'GET', url: `/products/${product.id}/image` });
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['cache-control']).toBe('public, max-age=60');
  });

  it('refuses other content types, bytes that are not the declared image, oversized and empty images', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-3', name: 'Bowl', priceCents: 5000 });
    const url = `/products/${product.id}/image`;
    const gif = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': 'image/gif' },
      payload: Buffer.from('GIF89a'),
    });
    expect(gif.statusCode).toBe(415);
    expect(gif.json().detail).toBe(
      'cannot store image/gif; send image/png, image/jpeg, image/webp or multipart/form-data',
    );

    const json = await t.app.inject({ method: 'PUT', url, headers: admin(), payload: { image: 'x' } });
    expect(json.statusCode).toBe(415);

    const lying = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: JPEG_BYTES,
    });
    expect(lying.statusCode).toBe(415);
    expect(lying.json().detail).toBe('declared image/png but the bytes are image/jpeg');

    const text = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': 'image/webp' },
      payload: Buffer.from('not an image at all'),
    });
    expect(text.statusCode).toBe(415);

    const big = Buffer.concat([PNG_BYTES, Buffer.alloc(4096)]);
    const tooLarge = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: big,
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers['content-type']).toContain('application/problem+json');

    const multipartLarge = multipartBody('big.png', 'image/png', big);
    const tooLargePart = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': multipartLarge.contentType },
      payload: multipartLarge.body,
    });
    expect(tooLargePart.statusCode).toBe(413);

    const multipartGif = multipartBody('a.gif', 'image/gif', Buffer.from('GIF89a'));
    const gifPart = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': multipartGif.contentType },
      payload: multipartGif.body,
    });
    expect(gifPart.statusCode).toBe(415);

    const empty = await t.app.inject({
      method: 'PUT',
      url,
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: Buffer.alloc(0),
    });
    expect(empty.statusCode).toBe(400);

    expect(await keysOf(product.id)).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
  });

  it('needs an admin to upload and a real product', async () => {
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: '/products/1/image',
      headers: { 'content-type': 'image/png' },
      payload: PNG_BYTES,
    });
    expect(anonymous.statusCode).toBe(401);
    const missing = await t.app.inject({
      method: 'PUT',
      url: '/products/987654/image',
      headers: { ...admin(), 'content-type': 'image/png' },
      payload: PNG_BYTES,
    });
    expect(missing.statusCode).toBe(404);
  });
});
