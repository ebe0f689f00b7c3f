import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ApiMetrics } from '@shopops/observability';
import { sqlState, type Database } from '../db.ts';
import { verifyBody } from '../payments/signature.ts';
import { PROVIDER_NAMES, ProviderError, type PaymentProvider, type ProviderName } from '../payments/providers/index.ts';
import { problem } from '../problems.ts';
import { parseInput } from '../validation.ts';
import type { FeatureFlags } from './feature-flags.ts';
import { settlePayment, type PaymentRow, type Settlement } from './payment-settlement.ts';
import { retakeStock } from './reservation-stock.ts';

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

const START_TIMEOUT_MS = 15_000;
const FAILURE_REASON_MAX = 500;

export interface PaymentServiceDeps {
  db: Database;
  providers: Map<ProviderName, PaymentProvider>;
  flags: FeatureFlags;
  metrics: ApiMetrics | undefined;
  urls: { publicBaseUrl(): string; frontendUrl: string };
  log: Logger;
  /** Removes secrets from text the provider sent back, as log lines are (createScrubber of the config's secrets). */
  scrub: (text: string) => string;
}

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  isProvider(name: string): name is ProviderName {
    return (PROVIDER_NAMES as readonly string[]).includes(name);
  }

  /**
   * Starts a payment of the order's total with a provider and returns where the customer pays. `log` is the
   * request's logger, so the lines carry its traceId.
   */
  async start(orderId: string, providerName: ProviderName, log: Logger = this.deps.log): Promise<PaymentStart> {
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
    const { order, paymentId } = await this.recordStart(orderId, providerName);
    const currency = order.currency.trim();

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
      // The order keeps its reservation: the customer is asked to try again or pick another provider.
      await db.query(
        'payments_fail_start',
        `update payments set status = 'failed', failure_reason = $2, updated_at = now() where id = $1`,
        [paymentId, this.failureReason(reason)],
      );
      metrics?.paymentsFailed.labels(providerName).inc();
      log.warn({ err: error, paymentId, provider: providerName }, 'payment start failed');
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
   * Records a new payment of the order, under the order's row lock so that two starts cannot both pass the
   * checks: one payment in progress per order (a second start is 409, naming the one in progress; the unique
   * index payments_one_started_per_order backs this up), and a failed order takes its stock again first (409
   * when it is gone).
   */
  private async recordStart(
    orderId: string,
    providerName: ProviderName,
  ): Promise<{ order: { total_cents: number; currency: string; customer_email: string }; paymentId: string }> {
    try {
      return await this.deps.db.transaction(async (tx) => {
        const { rows } = await tx.query<{
          status: string;
          stock_reserved: boolean;
          total_cents: number;
          currency: string;
          customer_email: string;
        }>(
          'orders_lock_for_payment',
          'select status, stock_reserved, total_cents, currency, customer_email from orders where id = $1 for update',
          [orderId],
        );
        const order = rows[0];
        if (!order) throw problem.notFound(`no order ${orderId}`);
        if (order.status !== 'pending' && order.status !== 'failed') {
          throw problem.conflict(
            `order ${orderId} is ${order.status}; only pending or failed orders can be paid${order.status === 'expired' || order.status === 'cancelled' ? ' (place a new order)' : ''}`,
          );
        }
        const { rows: inProgress } = await tx.query<{ id: string; provider: string }>(
          'payments_in_progress',
          `select id, provider from payments where order_id = $1 and status = 'started'`,
          [orderId],
        );
        if (inProgress[0]) throw paymentInProgress(orderId, inProgress[0]);
        if (!order.stock_reserved) {
          const retaken = await retakeStock(tx, orderId, 'pending');
          if (!retaken.ok) {
            throw problem.conflict(
              `order ${orderId} cannot be paid: its stock went back when its payment failed and is sold out now (${retaken.short
                .map((line) => `product ${line.productId}: ${line.stock} of ${line.quantity} left`)
                .join('; ')}); place a new order`,
            );
          }
        }
        const { rows: created } = await tx.query<{ id: string }>(
          'payments_insert',
          'insert into payments (order_id, provider, amount_cents, currency) values ($1, $2, $3, $4) returning id',
          [orderId, providerName, order.total_cents, order.currency.trim()],
        );
        return { order, paymentId: created[0]!.id };
      });
    } catch (error) {
      if (sqlState(error) === '23505') throw paymentInProgress(orderId);
      throw error;
    }
  }

  /** Scrubbed like a log line, then cut: cutting first could leave half a secret that no rule recognises. */
  private failureReason(reason: string): string {
    return this.deps.scrub(reason).slice(0, FAILURE_REASON_MAX);
  }

  /**
   * A provider's notification: the signature over the raw body first (401), then the body (400), then the
   * state change in one transaction (settlePayment). A paid payment never changes again, so retried and replayed
   * webhooks are answered 200 with changed: false and counted once.
   */
  async handleWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    log: Logger = this.deps.log,
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

    const result = await this.deps.db.transaction((tx) =>
      settlePayment(tx, provider.name, event.match, event.outcome, event.reason, (reason) =>
        this.failureReason(reason),
      ),
    );
    if (!result) throw problem.notFound(`no ${provider.name} payment matches this webhook`);
    this.recordSettlement(provider.name, result, log);
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

  /** Counters and the refund alarm, once the settlement committed. */
  private recordSettlement(providerName: ProviderName, result: Settlement, log: Logger): void {
    const { metrics } = this.deps;
    if (!result.changed) return;
    (result.status === 'paid' ? metrics?.paymentsPaid : metrics?.paymentsFailed)?.labels(providerName).inc();
    if (result.unitsReturned > 0) metrics?.stockReturned.labels('payment_failed').inc(result.unitsReturned);
    if (result.refundDue) {
      metrics?.paymentRefundsDue.labels(providerName, result.refundDue).inc();
      log.error(
        {
          paymentId: result.payment.id,
          orderId: result.payment.order_id,
          provider: providerName,
          refundDue: result.refundDue,
        },
        result.refundDue === 'duplicate_charge'
          ? 'duplicate charge: the order was already paid by another payment; refund this payment'
          : "payment settled after the order's stock was returned and sold out; refund this payment",
      );
    }
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

function paymentInProgress(orderId: string, payment?: { id: string; provider: string }) {
  const which = payment ? `payment ${payment.id} (${payment.provider})` : 'another payment';
  return problem.conflict(
    `order ${orderId} has ${which} in progress; finish it at the provider or wait until it fails, or cancel the order`,
  );
}
