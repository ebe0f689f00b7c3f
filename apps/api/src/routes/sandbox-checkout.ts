import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signBody } from '../payments/signature.ts';
import { problem } from '../problems.ts';
import { parseInput } from '../validation.ts';
import { orderId as parsePaymentId } from './orders.ts';

const checkoutRequest = z.object({ outcome: z.enum(['paid', 'failed']), reason: z.string().max(500).optional() });

/**
 * The sandbox provider's checkout, served by the API itself (only where the sandbox is enabled, never in prod).
 * POST { outcome: 'paid' | 'failed' } (JSON, or a form from the GET page) makes the "provider" sign and deliver
 * its webhook through the real webhook route, so the payment settles exactly as a real provider's would.
 */
export async function sandboxCheckoutRoutes(app: FastifyInstance): Promise<void> {
  const { payments, urls, config } = app.api;
  const secret = config.payments.sandbox!.secret;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  async function sandboxPayment(params: unknown) {
    const paymentId = parsePaymentId({ id: (params as { paymentId?: string }).paymentId });
    const payment = await payments.find('sandbox', paymentId);
    if (!payment) throw problem.notFound(`no sandbox payment ${paymentId}`);
    return payment;
  }

  app.get('/payments/sandbox/checkout/:paymentId', async (request, reply) => {
    const payment = await sandboxPayment(request.params);
    return reply.type('text/html; charset=utf-8').send(checkoutPage(payment.id, payment.status));
  });

  app.post(
    '/payments/sandbox/checkout/:paymentId',
    { config: app.api.rateLimit('payments') },
    async (request, reply) => {
      const payment = await sandboxPayment(request.params);
      const { outcome, reason } = parseInput(checkoutRequest, request.body, 'body');
      const webhookBody = JSON.stringify({ paymentId: payment.id, outcome, ...(reason ? { reason } : {}) });
      const delivered = await app.inject({
        method: 'POST',
        url: '/payments/sandbox/webhook',
        headers: { 'content-type': 'application/json', 'sandbox-signature': signBody(secret, webhookBody) },
        payload: webhookBody,
      });
      if (delivered.statusCode !== 200) {
        request.log.error({ status: delivered.statusCode, body: delivered.body }, 'sandbox webhook was refused');
        throw problem.badGateway(`the sandbox webhook was answered ${delivered.statusCode}`);
      }
      const result = delivered.json<{ orderId: string }>();
      if (mediaIsForm(request.headers['content-type'])) {
        return reply.redirect(`${urls.frontendUrl}/orders/${result.orderId}`, 303);
      }
      return result;
    },
  );
}

function mediaIsForm(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** A page a person can click through; plain forms, because the security headers allow no inline script. */
function checkoutPage(paymentId: string, status: string): string {
  const action = `/payments/sandbox/checkout/${paymentId}`;
  const settled = status !== 'started';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sandbox checkout</title></head>
<body>
<h1>Sandbox checkout</h1>
<p>Payment <code>${paymentId}</code> is <strong>${status}</strong>. No money moves here.</p>
${
  settled
    ? ''
    : `<form method="post" action="${action}"><input type="hidden" name="outcome" value="paid"><button type="submit">Pay</button></form>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="failed"><button type="submit">Fail the payment</button></form>`
}
</body>
</html>
`;
}
