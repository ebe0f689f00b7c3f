import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NO_RATE_LIMIT } from '../context.ts';
import { PROVIDER_NAMES } from '../payments/providers/index.ts';
import { parseInput } from '../validation.ts';
import { orderId } from './orders.ts';

const startRequest = z.strictObject({ provider: z.enum(PROVIDER_NAMES) });

const WEBHOOK_BODY_LIMIT = 64 * 1024;

/** Starting payments, and the providers' signed webhooks that settle them. */
export async function paymentRoutes(app: FastifyInstance): Promise<void> {
  const { payments } = app.api;

  app.post('/orders/:id/payments', { config: app.api.rateLimit('payments') }, async (request, reply) => {
    const id = orderId(request.params);
    const { provider } = parseInput(startRequest, request.body, 'body');
    const started = await payments.start(id, provider, request.log);
    reply.code(201);
    return started;
  });

  await app.register(async (webhooks) => {
    // The signature covers the bytes as sent: keep them raw; the service parses JSON after verifying.
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    webhooks.post('/payments/:provider/webhook', { config: NO_RATE_LIMIT }, async (request) => {
      const { provider } = request.params as { provider: string };
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return payments.handleWebhook(provider, body, request.headers, request.log);
    });
  });
}
