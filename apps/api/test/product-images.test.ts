import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Product, type RunningApi } from '../src/index.ts';
import { bucketClient, imageKeysOf } from './support/bucket.ts';
import { createProduct } from './support/catalogue.ts';
import { startStallingProxy, type StallingProxy } from './support/stalling-proxy.ts';
import {
  BUCKET,
  buildTestApp,
  captureLogs,
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
  s3 = bucketClient(stack.s3);
});
afterAll(async () => {
  s3?.destroy();
  await t?.app.close();
  await stack?.stop();
});

const admin = () => ({ authorization: `Bearer ${t.adminToken}` });

const keysOf = (productId: number) => imageKeysOf(s3, productId);

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

describe('product images over real HTTP, streamed to S3 through a proxy that counts what it forwards', () => {
  const MAX = 4 * 1024 * 1024;
  let proxy: StallingProxy;
  let api: RunningApi;
  const logs = captureLogs();

  beforeAll(async () => {
    const { hostname, port } = new URL(stack.s3.endpoint);
    proxy = await startStallingProxy({ host: hostname, port: Number(port) });
    api = await startApi({
      env: stack.env(t.databaseUrl, { S3_ENDPOINT: proxy.url, IMAGE_MAX_BYTES: String(MAX) }),
      port: 0,
      logStream: logs,
    });
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.close();
  });

  const imageUrl = (id: number) => new URL(`${api.url}/products/${id}/image`);
  const bigPng = (size: number) => Buffer.concat([PNG_BYTES.subarray(0, 16), randomBytes(size - 16)]);

  function put(id: number, headers: Record<string, string | number>) {
    const req = httpRequest(imageUrl(id), { method: 'PUT', headers });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
    });
    return { req, response };
  }

  it.each([
    ['PUT', '/image', 'image/png'],
    ['POST', '', 'application/json'],
    ['PATCH', '', 'application/json'],
  ])('%s on an admin route checks the token before reading a byte of the body', async (method, suffix, type) => {
    const product = await createProduct(t.app, t.adminToken, { sku: `IMG-AUTH-${method}`, name: 'Mug', priceCents: 1 });
    const path = method === 'POST' ? '/products' : `/products/${product.id}${suffix}`;
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    const firstLine = new Promise<string>((resolve) =>
      socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0]!)),
    );
    // Headers only: the announced body never comes, so an answer proves nothing of it was waited for.
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: api\r\nContent-Type: ${type}\r\nContent-Length: 1000\r\n\r\n`);
    try {
      expect(await firstLine).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      socket.destroy();
    }
  });

  it('streams a raw body to S3 while it arrives, then links it', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-STREAM', name: 'Mug', priceCents: 1 });
    const image = bigPng(3 * 1024 * 1024);
    const half = image.length / 2;
    const { req, response } = put(product.id, {
      authorization: `Bearer ${t.adminToken}`,
      'content-type': 'image/png',
      'content-length': image.length,
    });
    const before = proxy.forwardedBytes;
    req.write(image.subarray(0, half));
    // Most of the first half reaches S3 while the second half has not even been sent.
    await expect.poll(() => proxy.forwardedBytes - before, { timeout: 10_000, interval: 20 }).toBeGreaterThan(half / 2);
    req.end(image.subarray(half));
    const { status, body } = await response;
    expect(status, body).toBe(200);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: (await keysOf(product.id))[0]! }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(image)).toBe(true);
  });

  it('stores nothing of an upload the client abandons halfway', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-ABANDON', name: 'Mug', priceCents: 1 });
    const image = bigPng(2 * 1024 * 1024);
    const { req, response } = put(product.id, {
      authorization: `Bearer ${t.adminToken}`,
      'content-type': 'image/png',
      'content-length': image.length,
    });
    response.catch(() => undefined);
    const before = proxy.forwardedBytes;
    req.write(image.subarray(0, image.length / 2));
    await expect.poll(() => proxy.forwardedBytes - before, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
    req.destroy();
    // The API has given up on the upload (its log line says so), and kept nothing.
    const abandonedLine = () =>
      logs
        .entries()
        .find((e) => e.msg === 'image upload abandoned by the client; nothing stored' && e.productId === product.id);
    await expect.poll(abandonedLine, { timeout: 10_000 }).toBeDefined();
    expect(await keysOf(product.id)).toEqual([]);
    const served = await fetch(`${api.url}/products/${product.id}`);
    expect(((await served.json()) as Product).imageUrl).toBeNull();
  });

  it('refuses a raw body without Content-Length (411) and a multipart part over the limit (413), storing nothing', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-LIMITS', name: 'Mug', priceCents: 1 });
    const chunked = put(product.id, { authorization: `Bearer ${t.adminToken}`, 'content-type': 'image/png' });
    // Written before end(): Node then sends it chunked, without Content-Length.
    chunked.req.write(PNG_BYTES);
    chunked.req.end();
    expect((await chunked.response).status).toBe(411);

    const part = multipartBody('big.png', 'image/png', bigPng(MAX + 1024));
    const multipart = put(product.id, {
      authorization: `Bearer ${t.adminToken}`,
      'content-type': part.contentType,
      'content-length': part.body.length,
    });
    multipart.req.end(part.body);
    const { status, body } = await multipart.response;
    expect(status, body).toBe(413);
    expect(await keysOf(product.id)).toEqual([]);
  });

  it('answers 400, not 500, to a malformed multipart body', async () => {
    const product = await createProduct(t.app, t.adminToken, { sku: 'IMG-MALFORMED', name: 'Mug', priceCents: 1 });
    const cases = [
      // A boundary that never appears, then an end without any part.
      { type: 'multipart/form-data; boundary=xyz', body: 'this is not multipart at all' },
      // A part header without its blank line, cut off.
      {
        type: 'multipart/form-data; boundary=xyz',
        body: '--xyz\r\nContent-Disposition: form-data; name="image"; filename="a.png"',
      },
      // No boundary at all.
      { type: 'multipart/form-data', body: '--xyz--' },
    ];
    for (const { type, body } of cases) {
      const response = put(product.id, {
        authorization: `Bearer ${t.adminToken}`,
        'content-type': type,
        'content-length': Buffer.byteLength(body),
      });
      response.req.end(body);
      const answer = await response.response;
      expect(answer.status, `${type}: ${answer.body}`).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400 });
    }
    expect(await keysOf(product.id)).toEqual([]);
  });
});
