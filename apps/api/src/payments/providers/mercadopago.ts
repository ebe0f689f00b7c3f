import { z } from 'zod';
import type { MercadoPagoConfig } from '@shopops/config';
import { majorUnits, postToProvider } from './http.ts';
import { ProviderError, type PaymentProvider, type WebhookEvent } from './types.ts';

const preferenceResponse = z.object({ id: z.string().min(1), init_point: z.url() });

/**
 * Mercado Pago Checkout Pro: `start` creates a preference (POST /checkout/preferences with the access token)
 * whose external_reference is our payment id, and sends the customer to its init_point. Webhook:
 * `{ external_reference, status }` with Mercado Pago's payment statuses, signed in header x-signature.
 */
export function mercadoPagoProvider(config: MercadoPagoConfig): PaymentProvider {
  return {
    name: 'mercadopago',
    signatureHeader: 'x-signature',
    webhookSecret: config.webhookSecret,
    webhookSchema: z
      .object({
        external_reference: z.uuid(),
        status: z.enum([
          'approved',
          'rejected',
          'cancelled',
          'refunded',
          'charged_back',
          'pending',
          'in_process',
          'authorized',
        ]),
        status_detail: z.string().optional(),
      })
      .transform((body): WebhookEvent => {
        const outcome =
          body.status === 'approved'
            ? 'paid'
            : ['pending', 'in_process', 'authorized'].includes(body.status)
              ? 'pending'
              : 'failed';
        return {
          match: { paymentId: body.external_reference },
          outcome,
          ...(outcome === 'failed'
            ? { reason: `mercadopago status ${body.status}${body.status_detail ? ` (${body.status_detail})` : ''}` }
            : {}),
        };
      }),
    async start(input, signal) {
      const answer = await postToProvider(
        'mercadopago',
        `${config.apiUrl}/checkout/preferences`,
        {
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${config.accessToken}`,
            'x-idempotency-key': input.paymentId,
          },
          body: JSON.stringify({
            items: [
              {
                id: input.orderId,
                title: input.description.slice(0, 256),
                quantity: 1,
                unit_price: majorUnits(input.amountCents, input.currency),
                currency_id: input.currency,
              },
            ],
            payer: { email: input.customerEmail },
            external_reference: input.paymentId,
            notification_url: input.webhookUrl,
            back_urls: { success: input.returnUrl, failure: input.returnUrl, pending: input.returnUrl },
            auto_return: 'approved',
          }),
        },
        signal,
      );
      const parsed = preferenceResponse.safeParse(answer);
      if (!parsed.success) throw new ProviderError('mercadopago', 'answered without id and init_point');
      return { reference: parsed.data.id, checkoutUrl: parsed.data.init_point };
    },
  };
}
