-- migrate:up
create table products (
  id bigint generated always as identity primary key,
  sku text not null unique,
  name text not null check (length(name) between 1 and 200),
  description text not null default '',
  price_cents integer not null check (price_cents >= 0),
  currency char(3) not null default 'CLP',
  stock integer not null default 0 check (stock >= 0),
  image_key text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index products_active_name_idx on products (name) where active;

-- migrate:down
drop table products;
