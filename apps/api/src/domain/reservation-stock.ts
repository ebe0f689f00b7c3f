import type { Queryable } from '../db.ts';

/** Why an order gave its stock back; the `reason` label of order_stock_returned_units_total. */
export type StockReturnReason = 'expired' | 'payment_failed' | 'cancelled';

const STATUS_AFTER_RETURN: Record<StockReturnReason, 'expired' | 'failed' | 'cancelled'> = {
  expired: 'expired',
  payment_failed: 'failed',
  cancelled: 'cancelled',
};

export interface ReturnedStock {
  /** The orders whose stock this call returned (those that still held it). */
  orderIds: string[];
  units: number;
}

/**
 * Gives the stock of these orders back to the catalogue, exactly once per order: the claim is one conditional
 * update (`stock_reserved` true → false) of rows the caller locks or this update locks, so of an expiry and a
 * failing payment racing for the same order only the first returns anything; the second finds nothing to
 * claim. Only unpaid orders (pending, or failed ones from before reservations were returned) are touched.
 */
export async function returnStock(
  tx: Queryable,
  orderIds: string[],
  reason: StockReturnReason,
): Promise<ReturnedStock> {
  if (orderIds.length === 0) return { orderIds: [], units: 0 };
  const { rows: claimed } = await tx.query<{ id: string }>(
    'orders_claim_reserved_stock',
    `update orders set stock_reserved = false, status = $2, updated_at = now()
     where id = any($1::uuid[]) and stock_reserved and status in ('pending', 'failed') returning id`,
    [orderIds, STATUS_AFTER_RETURN[reason]],
  );
  if (claimed.length === 0) return { orderIds: [], units: 0 };
  const ids = claimed.map((row) => row.id);
  const { rows: lines } = await tx.query<{ product_id: number; quantity: number }>(
    'order_items_to_return',
    `select product_id, sum(quantity)::int as quantity from order_items
     where order_id = any($1::uuid[]) group by product_id order by product_id`,
    [ids],
  );
  const productIds = lines.map((line) => line.product_id);
  const quantities = lines.map((line) => line.quantity);
  await lockProducts(tx, productIds);
  await tx.query(
    'products_return_stock',
    `update products p set stock = p.stock + i.quantity, updated_at = now()
     from unnest($1::bigint[], $2::int[]) as i(id, quantity) where p.id = i.id`,
    [productIds, quantities],
  );
  return { orderIds: ids, units: quantities.reduce((sum, quantity) => sum + quantity, 0) };
}

export interface RetakenStock {
  ok: boolean;
  /** Products that no longer have the order's quantity in stock (when not ok). */
  short: { productId: number; quantity: number; stock: number }[];
}

/**
 * Takes an order's stock again after it was returned (a new payment of a failed order, or a payment settling
 * after the reservation ended), and moves the order to `status` with a fresh reservation. All or nothing: when
 * any product is short, nothing is taken. The caller holds the order's row lock.
 */
export async function retakeStock(tx: Queryable, orderId: string, status: 'pending' | 'paid'): Promise<RetakenStock> {
  const { rows: lines } = await tx.query<{ product_id: number; quantity: number }>(
    'order_items_to_retake',
    'select product_id, quantity from order_items where order_id = $1 order by product_id',
    [orderId],
  );
  const stock = await lockProducts(
    tx,
    lines.map((line) => line.product_id),
  );
  const short = lines
    .filter((line) => (stock.get(line.product_id) ?? 0) < line.quantity)
    .map((line) => ({ productId: line.product_id, quantity: line.quantity, stock: stock.get(line.product_id) ?? 0 }));
  if (short.length > 0) return { ok: false, short };
  await tx.query(
    'products_retake_stock',
    `update products p set stock = p.stock - i.quantity, updated_at = now()
     from unnest($1::bigint[], $2::int[]) as i(id, quantity) where p.id = i.id`,
    [lines.map((line) => line.product_id), lines.map((line) => line.quantity)],
  );
  await tx.query(
    'orders_retake_reservation',
    `update orders set stock_reserved = true, reserved_at = now(), status = $2, updated_at = now() where id = $1`,
    [orderId, status],
  );
  return { ok: true, short: [] };
}

/** Row locks on products in id order, as OrderStore.create takes them, so stock movements never deadlock. */
async function lockProducts(tx: Queryable, productIds: number[]): Promise<Map<number, number>> {
  const { rows } = await tx.query<{ id: number; stock: number }>(
    'products_lock_stock',
    'select id, stock from products where id = any($1::bigint[]) order by id for update',
    [productIds],
  );
  return new Map(rows.map((row) => [row.id, row.stock]));
}
