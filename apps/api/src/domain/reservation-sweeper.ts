import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ApiMetrics } from '@shopops/observability';
import type { Database } from '../db.ts';
import { returnStock } from './reservation-stock.ts';

export interface ReservationSweeperOptions {
  db: Database;
  /** ORDER_RESERVATION_TTL: how long an unpaid order holds its stock. */
  ttlMs: number;
  metrics: ApiMetrics | undefined;
  log: Logger;
  /** Orders expired per transaction; default 100. */
  batchSize?: number;
  /** Pause between sweeps; default a quarter of the TTL, between 250 ms and one minute. */
  intervalMs?: number;
}

/**
 * Ends the reservations of unpaid orders older than the TTL: each order marked `expired`, its stock returned.
 * Every API instance runs one; they share the work without doubling it, because each batch is claimed with
 * `FOR UPDATE SKIP LOCKED` (an order another instance is expiring, or a webhook is settling, is skipped this
 * round) and the stock return itself is exactly-once (see returnStock).
 */
export class ReservationSweeper {
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly options: ReservationSweeperOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.intervalMs = options.intervalMs ?? Math.min(60_000, Math.max(250, Math.floor(options.ttlMs / 4)));
  }

  /** Expires every reservation that ran out by `now`; returns how many orders this call expired. */
  async sweep(now: Date = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const batch = await this.options.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          'orders_lock_expired_reservations',
          `select id from orders
           where stock_reserved and status in ('pending', 'failed')
             and reserved_at <= $1::timestamptz - $2::int * interval '1 millisecond'
           order by reserved_at limit $3 for update skip locked`,
          [now, this.options.ttlMs, this.batchSize],
        );
        const returned = await returnStock(
          tx,
          rows.map((row) => row.id),
          'expired',
        );
        return { locked: rows.length, ...returned };
      });
      if (batch.orderIds.length > 0) {
        this.options.metrics?.reservationsExpired.inc(batch.orderIds.length);
        this.options.metrics?.stockReturned.labels('expired').inc(batch.units);
        this.options.log.info(
          { orders: batch.orderIds.length, units: batch.units },
          'order reservations expired, stock returned',
        );
      }
      expired += batch.orderIds.length;
      if (batch.locked < this.batchSize) return expired;
    }
  }

  /** Sweeps now and then every interval until stop(); a failed sweep (database down) is logged and retried. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** No new sweep starts; resolves once a sweep under way has finished (before the pool closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.sweep()
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'reservation sweep failed; retrying'))
        .finally(() => {
          this.inFlight = undefined;
          if (!this.stopped) this.schedule(this.intervalMs);
        });
    }, delayMs);
    // A sweep pending is no reason to keep the process alive.
    this.timer.unref();
  }
}
