import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '@shopops/testing';
import { runCanary } from '../src/index.ts';
import { APP, baseOptions, IMAGES, startFlyApp, TOKEN, workspaceRoot, type FlyApp } from './support/fly-app.ts';

const env = { FLY_API_TOKEN: TOKEN };

// No traffic but our own probes: too little for an analysis, which must never pass on no data.
describe('low traffic: inconclusive, then the configured policy', () => {
  let app: FlyApp;
  beforeAll(async () => {
    app = await startFlyApp();
  });
  afterAll(() => app?.stop());

  it('fails at once with --on-inconclusive fail, and rolls back', async () => {
    const [old] = await app.launch(1);
    const { exitCode, report } = await runCanary(
      { ...baseOptions(app), image: IMAGES.good, releaseCommand: '', onInconclusive: 'fail' },
      { env },
    );
    expect(exitCode).toBe(1);
    expect(report.rollback).toMatchObject({
      step: 1,
      reason: 'analysis inconclusive (--on-inconclusive fail)',
      completed: true,
    });
    expect(report.rollback!.details).toEqual(['0 request(s) on the new machines, fewer than the 20 an analysis needs']);
    expect(report.steps[0]!.analyses.map((a) => a.verdict)).toEqual(['inconclusive']);
    expect(app.simulator.machines(APP).map((m) => m.id)).toEqual([old]);
    expect(app.simulator.serving(APP).map((m) => m.id)).toEqual([old]);
  });

  it('waits up to --max-inconclusive intervals, then counts the release as failed', async () => {
    const [old] = await app.launch(1);
    const { exitCode, report } = await runCanary(
      { ...baseOptions(app), image: IMAGES.good, releaseCommand: '', interval: 800, maxInconclusive: 2 },
      { env },
    );
    expect(exitCode).toBe(1);
    expect(report.rollback!.reason).toBe('analysis inconclusive 2 time(s) in a row (--max-inconclusive 2)');
    expect(report.steps[0]!.analyses.map((a) => a.verdict)).toEqual(['inconclusive', 'inconclusive']);
    expect(app.simulator.serving(APP).map((m) => m.id)).toEqual([old]);
  });

  it('with --synthetic-load drives the smoke checks at the new machine through the proxy and gets its answer', async () => {
    const [old] = await app.launch(1);
    const { exitCode, report } = await runCanary(
      {
        ...baseOptions(app),
        image: IMAGES.good,
        releaseCommand: '',
        interval: 3000,
        minRequests: 10,
        syntheticLoad: true,
        smokeFile: join(workspaceRoot, 'apps/api/smoke.yaml'),
        appUrl: app.proxyUrl,
      },
      { env },
    );
    const analyses = report.steps[0]!.analyses;
    expect(
      analyses.map((a) => [a.verdict, a.syntheticLoad]),
      JSON.stringify(report.rollback),
    ).toEqual([
      ['inconclusive', false],
      ['passed', true],
    ]);
    expect(analyses[1]!.new.requests).toBeGreaterThanOrEqual(10);
    expect(exitCode).toBe(0);
    expect(report.machines.destroyed).toEqual([old]);
    // The checks tagged writes (create an order, pay, cancel) stay out of synthetic load by default: a
    // production database gets no orders from it.
    expect(await query(app.databaseUrl, 'select count(*)::int as orders from orders')).toEqual([{ orders: 0 }]);
  });
});
