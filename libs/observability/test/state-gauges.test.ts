import { describe, expect, it } from 'vitest';
import { ApiMetrics } from '../src/index.ts';

describe('scrape-time gauges', () => {
  it('reads the pool at each scrape', async () => {
    const metrics = new ApiMetrics({ defaultMetrics: false });
    const stats = { total: 3, idle: 1, waiting: 0, max: 10 };
    metrics.trackPool(() => stats);
    expect(await metrics.render()).toContain('db_pool_connections{state="total"} 3');
    stats.total = 10;
    stats.waiting = 4;
    const text = await metrics.render();
    expect(text).toContain('db_pool_connections{state="total"} 10');
    expect(text).toContain('db_pool_connections{state="waiting"} 4');
    expect(text).toContain('db_pool_connections{state="idle"} 1');
    expect(text).toContain('db_pool_max_connections 10');
  });

  it('runs one readiness report per scrape (none reused at max age 0) and reports a failing check as 0', async () => {
    const metrics = new ApiMetrics({ defaultMetrics: false });
    let reports = 0;
    let databaseOk = true;
    metrics.trackReadiness(async () => {
      reports++;
      return { checks: { database: { ok: databaseOk }, storage: { ok: true } } };
    }, -1);
    expect(await metrics.render()).toContain('api_ready 1');
    expect(reports).toBe(1);
    databaseOk = false;
    const text = await metrics.render();
    expect(reports).toBe(2);
    expect(text).toContain('readiness_check_ok{check="database"} 0');
    expect(text).toContain('readiness_check_ok{check="storage"} 1');
    expect(text).toContain('api_ready 0');
  });

  it('reuses a recent readiness report for the next scrapes', async () => {
    const metrics = new ApiMetrics({ defaultMetrics: false });
    let reports = 0;
    metrics.trackReadiness(async () => {
      reports++;
      return { checks: { database: { ok: true } } };
    }, 60_000);
    await metrics.render();
    await metrics.render();
    expect(reports).toBe(1);
  });

  it('exposes the build as app_build_info', async () => {
    const metrics = new ApiMetrics({ defaultMetrics: false });
    metrics.setBuildInfo({ version: '2.0.0', commit: 'deadbee' });
    expect(await metrics.render()).toContain('app_build_info{version="2.0.0",commit="deadbee"} 1');
  });
});
