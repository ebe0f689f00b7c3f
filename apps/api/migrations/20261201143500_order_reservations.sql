-- migrate:up
-- A pending order holds its stock until it is paid, cancelled, failed or its reservation expires;
-- stock_reserved says whether the order's units are still taken from products.stock, so returning
-- them is one conditional update and happens exactly once.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('pending', 'paid', 'cancelled', 'failed', 'expired')) not valid;
alter table orders validate constraint orders_status_check;
-- Orders placed before this still hold their stock: they count as reserved from now on, so their
-- reservations run out one ORDER_RESERVATION_TTL after the deploy, not at once.
alter table orders add column stock_reserved boolean not null default true;
alter table orders add column reserved_at timestamptz not null default now();
-- Money taken that must go back: a second payment of a paid order, or a payment settled after the
-- order's stock was returned and sold to someone else.
alter table orders add column refund_due text check (refund_due in ('duplicate_charge', 'out_of_stock'));
alter table payments add column duplicate_charge boolean not null default false;

-- migrate:down
alter table payments drop column duplicate_charge;
alter table orders drop column refund_due;
alter table orders drop column reserved_at;
alter table orders drop column stock_reserved;
update orders set status = 'cancelled' where status = 'expired';
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('pending', 'paid', 'cancelled', 'failed'));
