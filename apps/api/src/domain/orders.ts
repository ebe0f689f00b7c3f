import type { Queryable, Row } from '../db.ts';
import { problem, type FieldError } from '../problems.ts';

export type OrderStatus = 'pending' | 'paid' | 'cancelled' | 'failed';

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
  createdAt: string;
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
  /**
   * Places an order in one transaction: prices and names from the database (never from the client), stock
   * checked and decremented under row locks taken in id order (so concurrent orders cannot deadlock or oversell).
   */
  async create(tx: Queryable, request: OrderRequest): Promise<string> {
    const quantities = mergeQuantities(request.items);
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
      'select id, status, customer_email, total_cents, currency, created_at from orders where id = $1',
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
        created_at: Date;
      }>(
        'orders_get_payments',
        'select id, provider, status, amount_cents, currency, created_at from payments where order_id = $1 order by created_at, id',
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
        createdAt: row.created_at.toISOString(),
      })),
      createdAt: order.created_at.toISOString(),
    };
  }
}

/** The same product listed twice in a cart is one line with the quantities added. */
function mergeQuantities(items: OrderRequest['items']): Map<number, number> {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  return quantities;
}
