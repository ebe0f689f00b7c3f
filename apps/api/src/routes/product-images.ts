import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toProduct } from '../domain/products.ts';
import { extensionOf, IMAGE_TYPES, isImageType, mediaType, sniffImageType, type ImageType } from '../images.ts';
import { HttpProblem, problem } from '../problems.ts';
import { productId } from './products.ts';

// Enough bytes for every signature sniffImageType knows.
const SIGNATURE_BYTES = 12;

/**
 * Product images: PUT as a raw body (Content-Type image/png, image/jpeg or image/webp, with Content-Length) or
 * as multipart/form-data (one file); stored in S3_BUCKET under a fresh key; served back by GET
 * /products/:id/image. The admin check runs before a byte of the body is read, and the body then streams to
 * S3 with the size limit enforced on the way: nothing is held in memory, nothing is kept of an upload that
 * fails or is abandoned.
 */
export async function productImageRoutes(app: FastifyInstance): Promise<void> {
  const { products, storage, auth, urls, config } = app.api;
  const maxBytes = config.http.imageMaxBytes;

  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 } });
  // The body stays unread here: the handler streams it once the request is authorised.
  app.addContentTypeParser([...IMAGE_TYPES], (_request, payload, done) => done(null, payload));
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
    // onRequest, not preHandler: preHandler runs after the body has been parsed.
    { onRequest: auth.requireAdmin, config: app.api.rateLimit('admin') },
    async (request, reply) => {
      const id = productId(request.params);
      if (!(await products.get(id))) throw problem.notFound(`no product ${id}`);
      const gone = clientGone(reply);
      const upload = await openUpload(request, maxBytes);
      const { head, body } = await peek(upload.stream, SIGNATURE_BYTES).catch((error: unknown) => {
        throw abandoned(gone) ?? upload.failure() ?? error;
      });
      if (head.length === 0) throw problem.badRequest('the image is empty');
      const actual = sniffImageType(head);
      if (!actual) throw problem.unsupportedMediaType(`the body is not a ${IMAGE_TYPES.join(', ')} image`);
      if (actual !== upload.declared) {
        throw problem.unsupportedMediaType(`declared ${upload.declared} but the bytes are ${actual}`);
      }

      const key = `products/${id}/${randomUUID()}.${extensionOf(actual)}`;
      try {
        await storage.put(key, body, actual, { length: upload.length, signal: gone });
        upload.check();
      } catch (error) {
        // S3 may have stored the object before the failure reached us (a late answer, a truncated part).
        await storage.delete(key).catch(() => undefined);
        const reason = abandoned(gone);
        if (reason) request.log.info({ productId: id }, 'image upload abandoned by the client; nothing stored');
        throw reason ?? upload.failure() ?? error;
      }
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

interface OpenUpload {
  stream: Readable;
  declared: ImageType;
  /** Exact size when known (a raw body's Content-Length). */
  length: number | undefined;
  /** Throws when the stream turned out bad after the fact (a multipart part cut at the size limit). */
  check(): void;
  /** The client's fault behind a failed upload, if it was the client's fault. */
  failure(): HttpProblem | undefined;
}

async function openUpload(request: FastifyRequest, maxBytes: number): Promise<OpenUpload> {
  const tooLarge = () => problem.payloadTooLarge(`the image is larger than ${maxBytes} bytes`);
  if (!request.isMultipart()) {
    const declared = mediaType(request.headers['content-type']);
    // JSON keeps Fastify's parser in this scope too; it is no image either.
    if (!(request.body instanceof Readable) || !isImageType(declared)) {
      throw problem.unsupportedMediaType(
        `cannot store ${declared}; send ${IMAGE_TYPES.join(', ')} or multipart/form-data`,
      );
    }
    const header = request.headers['content-length'];
    if (header === undefined) {
      throw new HttpProblem(411, 'length-required', 'a raw image needs Content-Length (or send multipart/form-data)');
    }
    // Node's parser delivers no more than Content-Length bytes, so checking the header bounds the stream.
    const length = Number(header);
    if (length > maxBytes) throw tooLarge();
    return { stream: request.body, declared, length, check: () => undefined, failure: () => undefined };
  }

  let malformed: HttpProblem | undefined;
  const asMalformed = (error: unknown) =>
    error instanceof HttpProblem || ((error as { statusCode?: number }).statusCode ?? 500) < 500
      ? error
      : problem.badRequest(`the multipart body is malformed: ${(error as Error).message}`);
  const file = await request.file().catch((error: unknown) => {
    throw asMalformed(error);
  });
  if (!file) throw problem.badRequest('the multipart body has no file part');
  const declared = mediaType(file.mimetype);
  if (!isImageType(declared)) {
    file.file.resume();
    throw problem.unsupportedMediaType(
      `cannot store ${declared || 'a part without Content-Type'}; send ${IMAGE_TYPES.join(', ')}`,
    );
  }
  const stream = file.file;
  // busboy stops at the limit and ends the part: fail the upload rather than store a truncated image.
  stream.once('limit', () => {
    malformed = tooLarge();
    stream.destroy(malformed);
  });
  stream.once('error', (error) => void (malformed ??= asMalformed(error) as HttpProblem));
  return {
    stream,
    declared,
    length: undefined,
    check: () => {
      if (stream.truncated) throw (malformed = tooLarge());
    },
    failure: () => malformed,
  };
}

/** The first `bytes` of a stream (fewer when it is shorter), and a stream of all of it, those bytes included. */
async function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; body: Readable }> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const read: Buffer[] = [];
  let size = 0;
  while (size < bytes) {
    const next = await chunks.next();
    if (next.done) break;
    read.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(read);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { head, body: Readable.from(all(), { objectMode: false }) };
}

/** The problem for an upload whose client went away (no one reads it; the log and metrics do). */
function abandoned(gone: AbortSignal): HttpProblem | undefined {
  return gone.aborted ? problem.badRequest('the connection closed before the image was complete') : undefined;
}

/** Aborts when the client's connection closes before the response was sent. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client went away during the upload'));
  });
  return controller.signal;
}
