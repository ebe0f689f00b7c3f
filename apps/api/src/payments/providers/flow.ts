import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { FlowConfig } from '@shopops/config';
import { majorUnits, postToProvider } from './http.ts';
import { ProviderError, type PaymentProvider, type WebhookEvent } from './types.ts';

const createResponse = z.object({ url: z.url(), token: z.string().min(1), flowOrder: z.number().optional() });

/** Flow's request signature: HMAC-SHA256 with the secret key over every parameter name and value, names sorted. */
export function flowSignature(secretKey: string, params: Record<string, string>): string {
  const text = Object.keys(params)
    .sort()
    .map((name) => `${name}${params[name]}`)
    .join('');
  return createHmac('sha256', secretKey).update(text).digest('hex');
}

/**
 * Flow: `start` calls POST /payment/create (form-encoded, signed with parameter s) and sends the customer to
 * url?token=. Webhook: `{ token, status }` with Flow's status codes (1 pending, 2 paid, 3 rejected,
 * 4 cancelled), signed in header flow-signature with the secret key.
 */
export function flowProvider(config: FlowConfig): PaymentProvider {
  return {
    name: 'flow',
    signatureHeader: 'flow-signature',
    webhookSecret: config.secretKey,
    webhookSchema: z
      .object({ token: z.string().min(1), status: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) })
      .transform((body): WebhookEvent => ({
        match: { reference: body.token },
        outcome: body.status === 2 ? 'paid' : body.status === 1 ? 'pending' : 'failed',
        ...(body.status === 3
          ? { reason: 'rejected by flow' }
          : body.status === 4
            ? { reason: 'cancelled at flow' }
            : {}),
      })),
    async start(input, signal) {
      const params: Record<string, string> = {
        apiKey: config.apiKey,
        commerceOrder: input.paymentId,
        subject: input.description.slice(0, 255),
        currency: input.currency,
        amount: String(majorUnits(input.amountCents, input.currency)),
        email: input.customerEmail,
        urlConfirmation: input.webhookUrl,
        urlReturn: input.returnUrl,
      };
      const body = new URLSearchParams({ ...params, s: flowSignature(config.secretKey, params) }).toString();
      const answer = await postToProvider(
        'flow',
        `${config.apiUrl}/payment/create`,
        { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
        signal,
      );
      const parsed = createResponse.safeParse(answer);
      if (!parsed.success) throw new ProviderError('flow', 'answered without url and token');
      return {
        reference: parsed.data.token,
        checkoutUrl: `${parsed.data.url}?token=${encodeURIComponent(parsed.data.token)}`,
      };
    },
  };
}
