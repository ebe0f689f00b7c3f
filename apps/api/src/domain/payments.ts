import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ApiMetrics } from '@shopops/observability';
import type { Database, Queryable, Row } from '../db.ts';
import { verifyBody } from '../payments/signature.ts';
import { PROVIDER_NAMES, ProviderError, type PaymentProvider, type ProviderName } from '../payments/providers/index.ts';
import { problem } from '../problems.ts';
import { parseInput } from '../validation.ts';
import type { FeatureFlags } from './feature-flags.ts';

export interface PaymentStart {
  id: string;
  orderId: string;
  provider: ProviderName;
  status: 'started';
  amountCents: number;
  currency: string;
  checkoutUrl: string;
}

export interface WebhookResult {
  paymentId: string;
  orderId: string;
  status: 'started' | 'paid' | 'failed';
  orderStatus: string;
  /** false when the webhook repeated what was already recorded (providers retry), or reported no outcome yet. */
  changed: boolean;
}

interface PaymentRow extends Row {
  id: string;
  order_id: string;
  provider: ProviderName;
  status: 'started' | 'paid' | 'failed';
}

const START_TIMEOUT_MS = 15_000;

export interface PaymentServiceDeps {
  db: Database;
  providers: Map<ProviderName, PaymentProvider>;
  flags: FeatureFlags;
  metrics: ApiMetrics | undefined;
  urls: { publicBaseUrl(): string; frontendUrl: string };
  log: Logger;
}

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  isProvider(name: string): name is ProviderName {
    return (PROVIDER_NAMES as readonly string[]).includes(name);
  }

  /** Starts a payment of the order's total with a provider and returns where the customer pays. */
  async start(orderId: string, providerName: ProviderName): Promise<PaymentStart> {
    const { db, metrics, urls } = this.deps;
    if (!(await this.deps.flags.paymentsEnabled())) {
      throw problem.unavailable('payments are switched off for now; try again later');
    }
    const provider = this.deps.providers.get(providerName);
    if (!provider) {
      throw problem.unprocessable(
        `provider ${providerName} is not available here; available: ${[...this.deps.providers.keys()].join(', ') || 'none'}`,
      );
    }
    const { rows } = await db.query<{ status: string; total_cents: number; currency: string; customer_email: string }>(
      'orders_get_for_payment',
      'select status, total_cents, currency, customer_email from orders where id = $1',
      [orderId],
    );
    const order = rows[0];
    if (!order) throw problem.notFound(`no order ${orderId}`);
    if (order.status !== 'pending' && order.status !== 'failed') {
      throw problem.conflict(`order ${orderId} is ${order.status}; only pending or failed orders can be paid`);
    }
    const currency = order.currency.trim();
    const { rows: created } = await db.query<{ id: string }>(
      'payments_insert',
      'insert into payments (order_id, provider, amount_cents, currency) values ($1, $2, $3, $4) returning id',
      [orderId, providerName, order.total_cents, currency],
    );
    const paymentId = created[0]!.id;

    let started: { reference: string; checkoutUrl: string };
    const providerCall = metrics?.paymentProviderLatency.startTimer({ provider: providerName });
    try {
      started = await provider.start(
        {
          paymentId,
          orderId,
          amountCents: order.total_cents,
          currency,
          customerEmail: order.customer_email,
          description: `Order ${orderId}`,
          returnUrl: `${urls.frontendUrl}/orders/${orderId}`,
          webhookUrl: `${urls.publicBaseUrl()}/payments/${providerName}/webhook`,
        },
        AbortSignal.timeout(START_TIMEOUT_MS),
      );
      providerCall?.({ outcome: 'ok' });
    } catch (error) {
      providerCall?.({ outcome: 'error' });
      const reason = error instanceof ProviderError ? error.message : `${providerName}: ${(error as Error).message}`;
      await db.query(
        'payments_fail_start',
        `update payments set status = 'failed', failure_reason = $2, updated_at = now() where id = $1`,
        [paymentId, reason.slice(0, 500)],
      );
      metrics?.paymentsFailed.labels(providerName).inc();
      this.deps.log.warn({ err: error, paymentId, provider: providerName }, 'payment start failed');
      throw problem.badGateway(
        `the payment provider ${providerName} could not start the payment; try again or pick another`,
      );
    }
    await db.query(
      'payments_set_reference',
      'update payments set provider_reference = $2, updated_at = now() where id = $1',
      [paymentId, started.reference],
    );
    metrics?.paymentsStarted.labels(providerName).inc();
    return {
      id: paymentId,
      orderId,
      provider: providerName,
      status: 'started',
      amountCents: order.total_cents,
      currency,
      checkoutUrl: started.checkoutUrl,
    };
  }

  /**
   * A provider's notification: the signature over the raw body first (401), then the body (400), then the
   * state change in one transaction. A payment in a final state never changes again, so retried and replayed
   * webhooks are answered 200 with changed: false and counted once.
   */
  async handleWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<WebhookResult> {
    const provider = this.isProvider(providerName) ? this.deps.providers.get(providerName) : undefined;
    if (!provider) throw problem.notFound(`no payment provider ${providerName} here`);
    if (!verifyBody(provider.webhookSecret, rawBody, headers[provider.signatureHeader])) {
      throw problem.badSignature(
        `missing or wrong ${provider.signatureHeader} header: expected sha256=<hex HMAC-SHA256 of the raw body>`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw problem.badRequest('the webhook body is not JSON');
    }
    const event = parseInput(provider.webhookSchema, body, 'body');

    const result = await this.deps.db.transaction(async (tx) => {
      const payment = await lockPayment(tx, provider.name, event.match);
      if (!payment) return undefined;
      if (event.outcome === 'pending' || payment.status !== 'started') {
        return { payment, status: payment.status, changed: false };
      }
      await tx.query(
        'payments_settle',
        'update payments set status = $2, failure_reason = $3, updated_at = now() where id = $1',
        [payment.id, event.outcome, event.outcome === 'failed' ? (event.reason ?? 'failed').slice(0, 500) : null],
      );
      // A paid order stays paid whatever later attempts do; a failed attempt fails only an order still pending.
      await tx.query(
        'orders_settle',
        event.outcome === 'paid'
          ? `update orders set status = 'paid', updated_at = now() where id = $1 and status in ('pending', 'failed')`
          : `update orders set status = 'failed', updated_at = now() where id = $1 and status = 'pending'`,
        [payment.order_id],
      );
      return { payment, status: event.outcome, changed: true };
    });
    if (!result) throw problem.notFound(`no ${provider.name} payment matches this webhook`);
    if (result.changed) {
      const counter = result.status === 'paid' ? this.deps.metrics?.paymentsPaid : this.deps.metrics?.paymentsFailed;
      counter?.labels(provider.name).inc();
    }
    const { rows } = await this.deps.db.query<{ status: string }>(
      'orders_get_status',
      'select status from orders where id = $1',
      [result.payment.order_id],
    );
    return {
      paymentId: result.payment.id,
      orderId: result.payment.order_id,
      status: result.status,
      orderStatus: rows[0]!.status,
      changed: result.changed,
    };
  }

  /** The payment of a provider, for the sandbox checkout. */
  async find(
    provider: ProviderName,
    paymentId: string,
  ): Promise<{ id: string; orderId: string; status: string } | undefined> {
    const { rows } = await this.deps.db.query<PaymentRow>(
      'payments_get',
      'select id, order_id, provider, status from payments where id = $1 and provider = $2',
      [paymentId, provider],
    );
    const row = rows[0];
    return row && { id: row.id, orderId: row.order_id, status: row.status };
  }
}

async function lockPayment(
  tx: Queryable,
  provider: ProviderName,
  match: { reference: string } | { paymentId: string },
): Promise<PaymentRow | undefined> {
  const byReference = 'reference' in match;
  const { rows } = await tx.query<PaymentRow>(
    'payments_lock',
    `select id, order_id, provider, status from payments
     where provider = $1 and ${byReference ? 'provider_reference' : 'id'} = $2 for update`,
    [provider, byReference ? match.reference : match.paymentId],
  );
  return rows[0];
}
