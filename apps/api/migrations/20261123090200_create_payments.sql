-- migrate:up
create table payments (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id),
  provider text not null check (provider in ('webpay', 'flow', 'mercadopago', 'sandbox')),
  status text not null default 'started' check (status in ('started', 'paid', 'failed')),
  amount_cents integer not null check (amount_cents >= 0),
  currency char(3) not null default 'CLP',
  -- The provider's own id for the payment, known once the start call returns.
  provider_reference text,
  failure_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (provider, provider_reference)
);

create index payments_order_id_idx on payments (order_id);

-- migrate:down
drop table payments;
