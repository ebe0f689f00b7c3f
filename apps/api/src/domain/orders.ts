import type { ApiMetrics } from '@shopops/observability';
import type { Database, Queryable, Row } from '../db.ts';
import { problem, type FieldError } from '../problems.ts';
import { returnStock } from './reservation-stock.ts';

export type OrderStatus = 'pending' | 'paid' | 'cancelled' | 'failed' | 'expired';

/** Money that must go back to the customer (see PaymentService.handleWebhook). */
export type RefundDue = 'duplicate_charge' | 'out_of_stock';

export interface OrderItem {
  productId: number;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderPayment {
  id: string;
  provider: string;
  status: 'started' | 'paid' | 'failed';
  amountCents: number;
  currency: string;
  /** A second charge of an order already paid: refund it. */
  duplicateCharge: boolean;
  createdAt: string;
}

export interface Order {
  id: string;
  status: OrderStatus;
  customerEmail: string;
  totalCents: number;
  currency: string;
  items: OrderItem[];
  payments: OrderPayment[];
  /** Until when an unpaid order holds its stock; null once the stock is sold, returned or the order is final. */
  reservedUntil: string | null;
  /** Set when the customer was charged money that must be refunded. */
  refundDue: RefundDue | null;
  createdAt: string;
}

export interface OrderLimits {
  /** ORDER_MAX_UNITS_PER_PRODUCT, over all lines naming the product. */
  maxUnitsPerProduct: number;
  /** ORDER_RESERVATION_TTL. */
  reservationTtlMs: number;
}

export interface OrderRequest {
  customerEmail: string;
  items: { productId: number; quantity: number }[];
}

interface OrderRow extends Row {
  id: string;
  status: OrderStatus;
  customer_email: string;
  total_cents: number;
  currency: string;
  stock_reserved: boolean;
  reserved_at: Date;
  refund_due: RefundDue | null;
  created_at: Date;
}

interface StockRow extends Row {
  id: number;
  name: string;
  price_cents: number;
  currency: string;
  stock: number;
  active: boolean;
}

export class OrderStore {
  constructor(
    private readonly limits: OrderLimits,
    private readonly metrics: ApiMetrics | undefined,
  ) {}

  /**
   * Places an order in one transaction: prices and names from the database (never from the client), stock
   * checked and decremented under row locks taken in id order (so concurrent orders cannot deadlock or oversell).
   */
  async create(tx: Queryable, request: OrderRequest): Promise<string> {
    const quantities = mergeQuantities(request.items);
    this.checkUnitsPerProduct(request.items, quantities);
    const ids = [...quantities.keys()].sort((a, b) => a - b);
    const { rows } = await tx.query<StockRow>(
      'orders_lock_products',
      'select id, name, price_cents, currency, stock, active from products where id = any($1::bigint[]) order by id for update',
      [ids],
    );
    const products = new Map(rows.map((row) => [row.id, row]));

    const unavailable: FieldError[] = [];
    const short: FieldError[] = [];
    request.items.forEach((item, index) => {
      const product = products.get(item.productId);
      if (!product || !product.active) {
        unavailable.push({ path: `body.items.${index}.productId`, message: `no product ${item.productId} for sale` });
      } else if (product.stock < quantities.get(item.productId)!) {
        short.push({
          path: `body.items.${index}.quantity`,
          message: `only ${product.stock} of product ${item.productId} in stock`,
        });
      }
    });
    if (unavailable.length > 0)
      throw problem.unprocessable('some products do not exist or are not for sale', unavailable);
    if (short.length > 0) throw problem.conflict('not enough stock for this order', short);

    const currencies = new Set(rows.map((row) => row.currency));
    if (currencies.size > 1) {
      throw problem.unprocessable(
        `an order is paid in one currency; these products are in ${[...currencies].join(', ')}`,
      );
    }
    const total = ids.reduce((sum, id) => sum + products.get(id)!.price_cents * quantities.get(id)!, 0);
    if (!Number.isSafeInteger(total) || total > 2_147_483_647)
      throw problem.unprocessable('the order total is too large');

    const { rows: created } = await tx.query<{ id: string }>(
      'orders_insert',
      'insert into orders (customer_email, total_cents, currency) values ($1, $2, $3) returning id',
      [request.customerEmail, total, rows[0]!.currency],
    );
    const orderId = created[0]!.id;
    await tx.query(
      'orders_insert_items',
      `insert into order_items (order_id, product_id, quantity, unit_price_cents)
       select $1, id, quantity, price from unnest($2::bigint[], $3::int[], $4::int[]) as i(id, quantity, price)`,
      [orderId, ids, ids.map((id) => quantities.get(id)), ids.map((id) => products.get(id)!.price_cents)],
    );
    await tx.query(
      'orders_take_stock',
      `update products p set stock = p.stock - i.quantity, updated_at = now()
       from unnest($1::bigint[], $2::int[]) as i(id, quantity) where p.id = i.id`,
      [ids, ids.map((id) => quantities.get(id))],
    );
    return orderId;
  }

  async get(db: Queryable, id: string): Promise<Order | undefined> {
    const { rows } = await db.query<OrderRow>(
      'orders_get',
      `select id, status, customer_email, total_cents, currency, stock_reserved, reserved_at, refund_due, created_at
       from orders where id = $1`,
      [id],
    );
    const order = rows[0];
    if (!order) return undefined;
    const [items, payments] = await Promise.all([
      db.query<{ product_id: number; name: string; quantity: number; unit_price_cents: number }>(
        'orders_get_items',
        `select i.product_id, p.name, i.quantity, i.unit_price_cents
         from order_items i join products p on p.id = i.product_id where i.order_id = $1 order by i.product_id`,
        [id],
      ),
      db.query<{
        id: string;
        provider: string;
        status: OrderPayment['status'];
        amount_cents: number;
        currency: string;
        duplicate_charge: boolean;
        created_at: Date;
      }>(
        'orders_get_payments',
        `select id, provider, status, amount_cents, currency, duplicate_charge, created_at
         from payments where order_id = $1 order by created_at, id`,
        [id],
      ),
    ]);
    return {
      id: order.id,
      status: order.status,
      customerEmail: order.customer_email,
      totalCents: order.total_cents,
      currency: order.currency.trim(),
      items: items.rows.map((row) => ({
        productId: row.product_id,
        name: row.name,
        quantity: row.quantity,
        unitPriceCents: row.unit_price_cents,
      })),
      payments: payments.rows.map((row) => ({
        id: row.id,
        provider: row.provider,
        status: row.status,
        amountCents: row.amount_cents,
        currency: row.currency.trim(),
        duplicateCharge: row.duplicate_charge,
        createdAt: row.created_at.toISOString(),
      })),
      reservedUntil:
        order.stock_reserved && order.status === 'pending'
          ? new Date(order.reserved_at.getTime() + this.limits.reservationTtlMs).toISOString()
          : null,
      refundDue: order.refund_due,
      createdAt: order.created_at.toISOString(),
    };
  }

  /**
   * The customer gives up a pending order: it is cancelled and its stock returned at once (exactly once, see
   * returnStock). Cancelling again changes nothing; a paid or expired order cannot be cancelled (409). A payment
   * still in progress that settles later is handled like any payment of an order whose stock went back.
   */
  async cancel(db: Database, id: string): Promise<'cancelled' | 'unchanged'> {
    const outcome = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: OrderStatus }>(
        'orders_lock_for_cancel',
        'select status from orders where id = $1 for update',
        [id],
      );
      const status = rows[0]?.status;
      if (!status) throw problem.notFound(`no order ${id}`);
      if (status === 'cancelled') return { changed: false, units: 0 };
      if (status === 'paid' || status === 'expired') {
        throw problem.conflict(
          `order ${id} is ${status}; only pending or failed orders can be cancelled${status === 'paid' ? ' (a paid order is refunded, not cancelled)' : ''}`,
        );
      }
      const returned = await returnStock(tx, [id], 'cancelled');
      // A failed order already gave its stock back when its payment failed: only its status changes.
      if (returned.orderIds.length === 0) {
        await tx.query(
          'orders_cancel_without_stock',
          `update orders set status = 'cancelled', updated_at = now() where id = $1`,
          [id],
        );
      }
      return { changed: true, units: returned.units };
    });
    if (outcome.units > 0) this.metrics?.stockReturned.labels('cancelled').inc(outcome.units);
    return outcome.changed ? 'cancelled' : 'unchanged';
  }

  /** Listing a product on many lines must not get round the per-order cap: 400 naming its first line. */
  private checkUnitsPerProduct(items: OrderRequest['items'], quantities: Map<number, number>): void {
    const max = this.limits.maxUnitsPerProduct;
    const reported = new Set<number>();
    const errors: FieldError[] = [];
    items.forEach((item, index) => {
      const total = quantities.get(item.productId)!;
      if (total <= max || reported.has(item.productId)) return;
      reported.add(item.productId);
      errors.push({
        path: `body.items.${index}.quantity`,
        message: `at most ${max} units of product ${item.productId} per order; the order asks for ${total} over all its lines`,
      });
    });
    if (errors.length > 0) throw problem.validation(errors);
  }
}

/** The same product listed twice in a cart is one line with the quantities added. */
function mergeQuantities(items: OrderRequest['items']): Map<number, number> {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  return quantities;
}
