import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { CounterFamily, HistogramFamily, type CounterSeries, type HistogramSeries } from './series.ts';
import {
  registerBuildInfo,
  registerPoolGauges,
  registerReadinessGauges,
  type BuildInfo,
  type PoolStats,
  type ReadinessChecks,
} from './state-gauges.ts';

export const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Route label of requests no route matched: one series, whatever paths scanners try. */
export const UNMATCHED_ROUTE = 'unmatched';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PROVIDER_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 15];
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface RouteSeries {
  latency: HistogramSeries;
  byStatus: Map<number, CounterSeries>;
}

export interface MetricsOptions {
  /** Node's process metrics (CPU, memory, event loop lag, GC); default true. */
  defaultMetrics?: boolean;
  /** Labels on every series, e.g. { service: 'shopops-api' }. */
  defaultLabels?: Record<string, string>;
}

/**
 * The API's Prometheus metrics in their own registry (several apps can live in one process, as in tests).
 * Series are cached per (route, method, status), so recording a request costs two map lookups and a few
 * additions (see series.ts).
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests: CounterFamily<'method' | 'route' | 'status'>;
  readonly requestLatency: HistogramFamily<'method' | 'route'>;
  readonly dbQuery: HistogramFamily<'operation'>;
  readonly paymentsStarted: Counter<'provider'>;
  readonly paymentsPaid: Counter<'provider'>;
  readonly paymentsFailed: Counter<'provider'>;
  readonly paymentProviderLatency: Histogram<'provider' | 'outcome'>;
  readonly paymentRefundsDue: Counter<'provider' | 'reason'>;
  readonly reservationsExpired: Counter;
  readonly stockReturned: Counter<'reason'>;
  private readonly routes = new Map<string, Map<string, RouteSeries>>();
  private readonly dbOperations = new Map<string, HistogramSeries>();

  constructor(options: MetricsOptions = {}) {
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    const registers = [this.registry];
    this.httpRequests = new CounterFamily(
      'http_requests_total',
      'HTTP requests answered, by method, route template and status code',
      ['method', 'route', 'status'],
      this.registry,
    );
    this.requestLatency = new HistogramFamily(
      'request_latency_seconds',
      'Time from the request arriving to the response being sent, by method and route template',
      ['method', 'route'],
      LATENCY_BUCKETS,
      this.registry,
    );
    this.dbQuery = new HistogramFamily(
      'db_query_seconds',
      'PostgreSQL query time by operation (a fixed name per query, e.g. products_list)',
      ['operation'],
      DB_BUCKETS,
      this.registry,
    );
    this.paymentsStarted = new Counter({
      name: 'payments_started_total',
      help: 'Payments started, by provider',
      labelNames: ['provider'],
      registers,
    });
    this.paymentsPaid = new Counter({
      name: 'payments_paid_total',
      help: 'Payments confirmed paid by a signed provider webhook, by provider',
      labelNames: ['provider'],
      registers,
    });
    this.paymentsFailed = new Counter({
      name: 'payments_failed_total',
      help: 'Payments that failed (declined by the provider or its start call failed), by provider',
      labelNames: ['provider'],
      registers,
    });
    this.paymentProviderLatency = new Histogram({
      name: 'payment_provider_request_seconds',
      help: "Time a payment provider's API took to answer a start call, by provider and outcome (ok, error)",
      labelNames: ['provider', 'outcome'],
      buckets: PROVIDER_BUCKETS,
      registers,
    });
    this.paymentRefundsDue = new Counter({
      name: 'payments_refunds_due_total',
      help: 'Payments settled paid that must be refunded, by provider and reason (duplicate_charge: the order was already paid; out_of_stock: paid after its stock was returned and sold)',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.reservationsExpired = new Counter({
      name: 'order_reservations_expired_total',
      help: 'Unpaid orders whose stock reservation ran out (ORDER_RESERVATION_TTL) and were marked expired',
      registers,
    });
    this.stockReturned = new Counter({
      name: 'order_stock_returned_units_total',
      help: 'Units of stock given back by unpaid orders, by reason (expired, payment_failed, cancelled)',
      labelNames: ['reason'],
      registers,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** db_pool_connections{state} and db_pool_max_connections, read from `stats` at each scrape. */
  trackPool(stats: () => PoolStats): void {
    registerPoolGauges(this.registry, stats);
  }

  /** readiness_check_ok{check} and api_ready, from `report` run at scrape time, reused for `maxAgeMs`. */
  trackReadiness(report: () => Promise<ReadinessChecks>, maxAgeMs?: number): void {
    registerReadinessGauges(this.registry, report, maxAgeMs);
  }

  /** app_build_info{version,commit} = 1. */
  setBuildInfo(info: BuildInfo): void {
    registerBuildInfo(this.registry, info);
  }

  /**
   * Records one answered request. `route` must be a route template (e.g. /products/:id) or UNMATCHED_ROUTE,
   * never a raw path: raw paths make one series per id and per scanner probe.
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const methodLabel = HTTP_METHODS.has(method) ? method : 'OTHER';
    const series = this.routeSeries(methodLabel, route);
    let counter = series.byStatus.get(status);
    if (!counter) {
      counter = this.httpRequests.series({ method: methodLabel, route, status: String(status) });
      series.byStatus.set(status, counter);
    }
    counter.value += 1;
    this.requestLatency.observe(series.latency, seconds);
  }

  observeQuery(operation: string, seconds: number): void {
    let series = this.dbOperations.get(operation);
    if (!series) {
      series = this.dbQuery.series({ operation });
      this.dbOperations.set(operation, series);
    }
    this.dbQuery.observe(series, seconds);
  }

  /** Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private routeSeries(method: string, route: string): RouteSeries {
    let byMethod = this.routes.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.routes.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (!series) {
      series = { latency: this.requestLatency.series({ method, route }), byStatus: new Map() };
      byMethod.set(method, series);
    }
    return series;
  }
}
