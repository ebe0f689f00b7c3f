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

/**
 * The objects that broke `pg_restore --clean` over an existing database: a partitioned table with a
 * primary key, a materialized view with data, a custom aggregate, a domain, and a view over a table.
 */
export async function seedAwkwardObjects(url: string): Promise<void> {
  await query(
    url,
    `create domain positive_amount as numeric(10,2) check (value > 0);
     create table public.payments (id int, paid_on date, amount positive_amount, primary key (id, paid_on))
       partition by range (paid_on);
     create table public.payments_2026 partition of public.payments for values from ('2026-01-01') to ('2027-01-01');
     create table public.payments_2027 partition of public.payments for values from ('2027-01-01') to ('2028-01-01');
     insert into public.payments select g, date '2026-06-01' + (g % 400), g from generate_series(1, 300) g;
     create function public.add_amount(numeric, numeric) returns numeric language sql immutable as 'select $1 + $2';
     create aggregate public.total_amount(numeric) (sfunc = public.add_amount, stype = numeric, initcond = '0');
     create materialized view public.payments_by_year as
       select extract(year from paid_on) as year, public.total_amount(amount) as total from public.payments group by 1;
     create view public.big_payments as select * from public.payments where amount > 100;`,
  );
}
