-- migrate:up
create table orders (
  id uuid primary key default gen_random_uuid(),
  status text not null default 'pending' check (status in ('pending', 'paid', 'cancelled', 'failed')),
  customer_email text not null,
  total_cents integer not null check (total_cents >= 0),
  currency char(3) not null default 'CLP',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index orders_created_at_idx on orders (created_at desc);

create table order_items (
  order_id uuid not null references orders (id) on delete cascade,
  product_id bigint not null references products (id),
  quantity integer not null check (quantity > 0),
  unit_price_cents integer not null check (unit_price_cents >= 0),
  primary key (order_id, product_id)
);

create index order_items_product_id_idx on order_items (product_id);

-- migrate:down
drop table order_items;
drop table orders;
