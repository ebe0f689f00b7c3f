import { query, scratchDir } from '@shopops/testing';

export { query };

/** A small shop: two schemas, a few tables, an empty one, and enough rows to span several pg_dump blocks. */
export async function seedShop(url: string, orders = 2000): Promise<void> {
  await query(
    url,
    `create schema sales;
     create table public.products (id serial primary key, name text not null, price numeric(10,2));
     create table sales.orders (id bigserial primary key, product_id int references products, note text);
     create table public.empty_table (id int);
     insert into products (name, price) select 'product ' || g, g * 1.5 from generate_series(1, 50) g;
     insert into sales.orders (product_id, note) select 1 + g % 50, md5(g::text) from generate_series(1, ${orders}) g;`,
  );
}

/** Random, incompressible rows: big enough that a dump spans several S3 parts when `rows` is large. */
export async function seedBlobs(url: string, rows: number, bytesPerRow = 2048): Promise<void> {
  const md5s = Math.ceil(bytesPerRow / 16);
  await query(
    url,
    `create table blobs (id int primary key, payload bytea);
     insert into blobs select g, decode(string_agg(md5(random()::text || g || i), ''), 'hex')
       from generate_series(1, ${rows}) g, generate_series(1, ${md5s}) i group by g;`,
  );
}

export function tempDir(prefix = 'backup-test-'): string {
  return scratchDir(prefix);
}

export const EXPECTED_SHOP_TABLES = (orders = 2000) => ({
  'public.empty_table': 0,
  'public.products': 50,
  'sales.orders': orders,
});
