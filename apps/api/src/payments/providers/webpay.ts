import { z } from 'zod';
import type { WebpayConfig } from '@shopops/config';
import { majorUnits, postToProvider } from './http.ts';
import { ProviderError, type PaymentProvider, type WebhookEvent } from './types.ts';

const createResponse = z.object({ token: z.string().min(1), url: z.url() });

/**
 * Transbank Webpay Plus: `start` creates a transaction (POST /rswebpaytransaction/api/webpay/v1.2/transactions,
 * authenticated by commerce code and API key headers) and sends the customer to its form with token_ws.
 * Webhook: `{ token, status }` where status AUTHORIZED means paid, signed in header webpay-signature.
 */
export function webpayProvider(config: WebpayConfig): PaymentProvider {
  return {
    name: 'webpay',
    signatureHeader: 'webpay-signature',
    webhookSecret: config.webhookSecret,
    webhookSchema: z
      .object({
        token: z.string().min(1),
        status: z.enum(['AUTHORIZED', 'FAILED', 'REJECTED', 'REVERSED', 'INITIALIZED']),
        response_code: z.number().int().optional(),
      })
      .transform((body): WebhookEvent => ({
        match: { reference: body.token },
        outcome: body.status === 'AUTHORIZED' ? 'paid' : body.status === 'INITIALIZED' ? 'pending' : 'failed',
        ...(body.status !== 'AUTHORIZED' && body.status !== 'INITIALIZED'
          ? {
              reason: `webpay status ${body.status}${body.response_code !== undefined ? ` (response code ${body.response_code})` : ''}`,
            }
          : {}),
      })),
    async start(input, signal) {
      const answer = await postToProvider(
        'webpay',
        `${config.apiUrl}/rswebpaytransaction/api/webpay/v1.2/transactions`,
        {
          headers: {
            'content-type': 'application/json',
            'tbk-api-key-id': config.commerceCode,
            'tbk-api-key-secret': config.apiKey,
          },
          body: JSON.stringify({
            // Webpay allows 26 characters: the payment id without dashes, truncated, is unique enough per commerce.
            buy_order: input.paymentId.replaceAll('-', '').slice(0, 26),
            session_id: input.orderId,
            amount: majorUnits(input.amountCents, input.currency),
            return_url: input.returnUrl,
          }),
        },
        signal,
      );
      const parsed = createResponse.safeParse(answer);
      if (!parsed.success) throw new ProviderError('webpay', 'answered without token and url');
      return {
        reference: parsed.data.token,
        checkoutUrl: `${parsed.data.url}?token_ws=${encodeURIComponent(parsed.data.token)}`,
      };
    },
  };
}
