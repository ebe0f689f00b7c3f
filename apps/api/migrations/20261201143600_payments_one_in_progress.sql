-- migrate:up transaction:false
-- One payment in progress per order. Orders that got several before this keep the newest; the older
-- ones are closed as failed (a late 'paid' webhook for one of them is still recorded, see payments.ts).
update payments p
set status = 'failed', failure_reason = 'superseded: a newer payment of this order was started', updated_at = now()
where p.status = 'started'
  and exists (
    select 1 from payments newer
    where newer.order_id = p.order_id and newer.status = 'started' and (newer.created_at, newer.id) > (p.created_at, p.id)
  );
create unique index concurrently if not exists payments_one_started_per_order on payments (order_id)
  where status = 'started';
-- The reservation sweeper's scan: only orders still holding stock, oldest first.
create index concurrently if not exists orders_reserved_at_idx on orders (reserved_at)
  where stock_reserved and status in ('pending', 'failed');

-- migrate:down transaction:false
drop index concurrently if exists orders_reserved_at_idx;
drop index concurrently if exists payments_one_started_per_order;
