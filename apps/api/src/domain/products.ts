import type { Queryable, Row } from '../db.ts';

/** A product as the API shows it. priceCents is in the currency's minor unit (CLP has none: 9990 is $9.990). */
export interface Product {
  id: number;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  imageUrl: string | null;
  active: boolean;
}

export interface ProductRow extends Row {
  id: number;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  image_key: string | null;
  active: boolean;
}

export interface NewProduct {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  active: boolean;
}

export type ProductChanges = Partial<NewProduct>;

const COLUMNS = 'id, sku, name, description, price_cents, currency, stock, image_key, active';

/** Column of each writable field; the only names that ever reach SQL text. */
const FIELD_COLUMNS: Record<keyof NewProduct, string> = {
  sku: 'sku',
  name: 'name',
  description: 'description',
  priceCents: 'price_cents',
  currency: 'currency',
  stock: 'stock',
  active: 'active',
};

export function toProduct(row: ProductRow, publicBaseUrl: string): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    currency: row.currency,
    stock: row.stock,
    imageUrl: row.image_key ? imageUrl(publicBaseUrl, row.id, row.image_key) : null,
    active: row.active,
  };
}

/**
 * Served by the API itself (GET /products/:id/image). The key's random part versions the URL, so a new upload
 * is a new URL and caches never show the old image.
 */
export function imageUrl(publicBaseUrl: string, id: number, imageKey: string): string {
  const version = imageKey.slice(imageKey.lastIndexOf('/') + 1).split('.')[0];
  return `${publicBaseUrl}/products/${id}/image?v=${version}`;
}

export class ProductStore {
  constructor(private readonly db: Queryable) {}

  /** Active products by name, one page, with the number of active products. */
  async listActive(limit: number, offset: number): Promise<{ rows: ProductRow[]; total: number }> {
    // One round trip. The page comes from the (name) index and stops after `limit` rows; the count rides along
    // as a scalar subquery. (count(*) over () would sort every active row on each request instead.)
    const { rows } = await this.db.query<ProductRow & { total: number }>(
      'products_list',
      `with page as (select ${COLUMNS} from products where active order by name, id limit $1 offset $2)
       select page.*, (select count(*) from products where active) as total from page`,
      [limit, offset],
      { prepare: true },
    );
    if (rows.length > 0) return { rows, total: rows[0]!.total };
    // Past the last page there is no row for the count to ride on.
    const { rows: count } = await this.db.query<{ total: number }>(
      'products_count',
      'select count(*) as total from products where active',
      [],
      { prepare: true },
    );
    return { rows: [], total: count[0]!.total };
  }

  async get(id: number): Promise<ProductRow | undefined> {
    const { rows } = await this.db.query<ProductRow>('products_get', `select ${COLUMNS} from products where id = $1`, [
      id,
    ]);
    return rows[0];
  }

  async create(product: NewProduct): Promise<ProductRow> {
    const { rows } = await this.db.query<ProductRow>(
      'products_create',
      `insert into products (sku, name, description, price_cents, currency, stock, active)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
      [
        product.sku,
        product.name,
        product.description,
        product.priceCents,
        product.currency,
        product.stock,
        product.active,
      ],
    );
    return rows[0]!;
  }

  async update(id: number, changes: ProductChanges): Promise<ProductRow | undefined> {
    const fields = (Object.keys(changes) as (keyof NewProduct)[]).filter((field) => changes[field] !== undefined);
    const assignments = fields.map((field, i) => `${FIELD_COLUMNS[field]} = $${i + 2}`);
    const { rows } = await this.db.query<ProductRow>(
      'products_update',
      `update products set ${[...assignments, 'updated_at = now()'].join(', ')} where id = $1 returning ${COLUMNS}`,
      [id, ...fields.map((field) => changes[field])],
    );
    return rows[0];
  }

  /** Hides the product from the catalogue; orders that reference it keep their history. */
  async deactivate(id: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'products_deactivate',
      'update products set active = false, updated_at = now() where id = $1',
      [id],
    );
    return rowCount === 1;
  }

  /** Points the product at a new image; returns the previous key (to delete) or undefined when no such product. */
  async setImage(id: number, key: string): Promise<{ previous: string | null } | undefined> {
    const { rows } = await this.db.query<{ previous: string | null }>(
      'products_set_image',
      `update products p set image_key = $2, updated_at = now()
       from (select id, image_key as previous from products where id = $1 for update) old
       where p.id = old.id returning old.previous`,
      [id, key],
    );
    return rows[0];
  }
}
