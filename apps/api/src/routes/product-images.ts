import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toProduct } from '../domain/products.ts';
import { extensionOf, IMAGE_TYPES, isImageType, mediaType, sniffImageType, type ImageType } from '../images.ts';
import { problem } from '../problems.ts';
import { productId } from './products.ts';

/**
 * Product images: PUT as a raw body (Content-Type image/png, image/jpeg or image/webp) or as multipart/form-data
 * (one file); stored in S3_BUCKET under a fresh key; served back by GET /products/:id/image.
 */
export async function productImageRoutes(app: FastifyInstance): Promise<void> {
  const { products, storage, auth, urls, config } = app.api;
  const maxBytes = config.http.imageMaxBytes;

  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });
  app.addContentTypeParser([...IMAGE_TYPES], { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) =>
    done(null, body),
  );
  // Everything else is refused by name rather than with Fastify's generic message.
  app.addContentTypeParser('*', (request, _payload, done) =>
    done(
      problem.unsupportedMediaType(
        `cannot store ${mediaType(request.headers['content-type']) || 'a body without Content-Type'}; send ${IMAGE_TYPES.join(', ')} or multipart/form-data`,
      ),
    ),
  );

  app.put(
    '/products/:id/image',
    { preHandler: auth.requireAdmin, config: app.api.rateLimit('admin') },
    async (request) => {
      const id = productId(request.params);
      if (!(await products.get(id))) throw problem.notFound(`no product ${id}`);
      const { bytes, declared } = await readImage(request, maxBytes);
      if (bytes.length === 0) throw problem.badRequest('the image is empty');
      const actual = sniffImageType(bytes);
      if (!actual) throw problem.unsupportedMediaType(`the body is not a ${IMAGE_TYPES.join(', ')} image`);
      if (actual !== declared) throw problem.unsupportedMediaType(`declared ${declared} but the bytes are ${actual}`);

      const key = `products/${id}/${randomUUID()}.${extensionOf(actual)}`;
      await storage.put(key, bytes, actual);
      const previous = await products.setImage(id, key);
      if (!previous) {
        await storage.delete(key).catch(() => undefined);
        throw problem.notFound(`no product ${id}`);
      }
      if (previous.previous) {
        await storage
          .delete(previous.previous)
          .catch((error: unknown) =>
            request.log.warn({ err: error, key: previous.previous }, 'could not delete the replaced image'),
          );
      }
      return toProduct((await products.get(id))!, urls.publicBaseUrl());
    },
  );

  app.get('/products/:id/image', async (request, reply) => {
    const id = productId(request.params);
    const row = await products.get(id);
    if (!row?.image_key || !row.active) throw problem.notFound(`product ${id} has no image`);
    const object = await storage.get(row.image_key);
    if (!object) throw problem.notFound(`product ${id} has no image`);
    if (object.etag && request.headers['if-none-match'] === object.etag) {
      object.body.destroy();
      return reply.code(304).send();
    }
    // The URL carries the image's version (?v=), so a matching request may be cached for good.
    const versioned =
      (request.query as { v?: string }).v !== undefined &&
      row.image_key.includes(`/${(request.query as { v?: string }).v}.`);
    reply.header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    if (object.etag) reply.header('etag', object.etag);
    if (object.contentLength !== undefined) reply.header('content-length', object.contentLength);
    reply.type(object.contentType ?? 'application/octet-stream');
    return reply.send(object.body);
  });
}

async function readImage(request: FastifyRequest, maxBytes: number): Promise<{ bytes: Buffer; declared: ImageType }> {
  if (!request.isMultipart()) {
    const declared = mediaType(request.headers['content-type']);
    // JSON keeps Fastify's parser in this scope too; it is no image either.
    if (!Buffer.isBuffer(request.body) || !isImageType(declared)) {
      throw problem.unsupportedMediaType(
        `cannot store ${declared}; send ${IMAGE_TYPES.join(', ')} or multipart/form-data`,
      );
    }
    return { bytes: request.body, declared };
  }
  const file = await request.file();
  if (!file) throw problem.badRequest('the multipart body has no file part');
  const declared = mediaType(file.mimetype);
  if (!isImageType(declared)) {
    file.file.resume();
    throw problem.unsupportedMediaType(
      `cannot store ${declared || 'a part without Content-Type'}; send ${IMAGE_TYPES.join(', ')}`,
    );
  }
  try {
    return { bytes: await file.toBuffer(), declared };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw problem.payloadTooLarge(`the image is larger than ${maxBytes} bytes`);
    }
    throw error;
  }
}
