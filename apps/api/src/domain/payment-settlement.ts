import type { Queryable, Row } from '../db.ts';
import type { ProviderName } from '../payments/providers/index.ts';
import type { RefundDue } from './orders.ts';
import { retakeStock, returnStock } from './reservation-stock.ts';

export interface PaymentRow extends Row {
  id: string;
  order_id: string;
  provider: ProviderName;
  status: 'started' | 'paid' | 'failed';
}

/** What a webhook's transaction did, for the counters and logs written after it commits. */
export interface Settlement {
  payment: PaymentRow;
  status: PaymentRow['status'];
  changed: boolean;
  unitsReturned: number;
  refundDue?: RefundDue;
}

/**
 * One webhook's state change. Locks are taken order first, then payment, as payment starts, cancels and the
 * reservation sweeper take them, so none of them can deadlock and none sees the order half-settled.
 * - failed: only a payment in progress fails; the order's stock goes back at once (exactly once).
 * - paid: a payment in progress, or one recorded failed (a start that timed out, a provider that changed its
 *   verdict: the money moved all the same), becomes paid, and then:
 *   - the order still holds its stock: paid;
 *   - the order was paid already by another payment: a duplicate charge, flagged for a refund;
 *   - the order's stock went back (failed, expired, cancelled): taken again and paid, or, when it is sold
 *     out, flagged for a refund.
 *   A paid payment never changes again, so retried and replayed webhooks change nothing.
 */
export async function settlePayment(
  tx: Queryable,
  providerName: ProviderName,
  match: { reference: string } | { paymentId: string },
  outcome: 'paid' | 'failed' | 'pending',
  reason: string | undefined,
  failureReason: (reason: string) => string,
): Promise<Settlement | undefined> {
  const found = await findPayment(tx, providerName, match);
  if (!found) return undefined;
  const { rows: orders } = await tx.query<{ status: string; stock_reserved: boolean }>(
    'orders_lock_for_settle',
    'select status, stock_reserved from orders where id = $1 for update',
    [found.order_id],
  );
  const order = orders[0]!;
  const payment = (await lockPayment(tx, found.id))!;
  const unchanged: Settlement = { payment, status: payment.status, changed: false, unitsReturned: 0 };
  if (outcome === 'pending' || payment.status === 'paid') return unchanged;

  if (outcome === 'failed') {
    if (payment.status !== 'started') return unchanged;
    await tx.query(
      'payments_settle_failed',
      `update payments set status = 'failed', failure_reason = $2, updated_at = now() where id = $1`,
      [payment.id, failureReason(reason ?? 'failed')],
    );
    const returned = await returnStock(tx, [payment.order_id], 'payment_failed');
    return { payment, status: 'failed', changed: true, unitsReturned: returned.units };
  }

  await tx.query('payments_settle_paid', `update payments set status = 'paid', updated_at = now() where id = $1`, [
    payment.id,
  ]);
  let refundDue: RefundDue | undefined;
  if (order.status === 'paid') {
    refundDue = 'duplicate_charge';
    await tx.query('payments_flag_duplicate', 'update payments set duplicate_charge = true where id = $1', [
      payment.id,
    ]);
  } else if (order.stock_reserved && (order.status === 'pending' || order.status === 'failed')) {
    await tx.query('orders_settle_paid', `update orders set status = 'paid', updated_at = now() where id = $1`, [
      payment.order_id,
    ]);
  } else if (!(await retakeStock(tx, payment.order_id, 'paid')).ok) {
    refundDue = 'out_of_stock';
  }
  if (refundDue) {
    await tx.query('orders_flag_refund', 'update orders set refund_due = $2, updated_at = now() where id = $1', [
      payment.order_id,
      refundDue,
    ]);
  }
  return { payment, status: 'paid', changed: true, unitsReturned: 0, refundDue };
}

async function findPayment(
  tx: Queryable,
  provider: ProviderName,
  match: { reference: string } | { paymentId: string },
): Promise<{ id: string; order_id: string } | undefined> {
  const byReference = 'reference' in match;
  const { rows } = await tx.query<{ id: string; order_id: string }>(
    byReference ? 'payments_find_by_reference' : 'payments_find_by_id',
    `select id, order_id from payments where provider = $1 and ${byReference ? 'provider_reference' : 'id'} = $2`,
    [provider, byReference ? match.reference : match.paymentId],
  );
  return rows[0];
}

async function lockPayment(tx: Queryable, paymentId: string): Promise<PaymentRow | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    'payments_lock',
    'select id, order_id, provider, status from payments where id = $1 for update',
    [paymentId],
  );
  return rows[0];
}
