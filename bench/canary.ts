/**
 * bench/canary: releases through the Machines API simulator (libs/testing/src/fly-machines; each Machine
 * a real API process on loopback, one real Postgres) under a steady load through its proxy, with the
 * engine's default settings (steps 1, 50 %, 100 %, 30 s intervals, 50 requests, 1 % 5xx):
 *   - a healthy release: requests failed while it went out;
 *   - a bad release (every 5th request a 500): time from its first failing analysis to all traffic back
 *     on the old version (the last 5xx the load saw) and to the rollback's end; requests failed on the old
 *     version during the rollback;
 *   - baseline, in the same run: the same bad image rolled out as `fly deploy --strategy rolling` does
 *     (each Machine updated in place once the previous one is healthy; no analysis, no rollback) and the
 *     5xx share of the load over the next interval.
 * Goals: rollback ≤ 30 s; 0 failed requests during a healthy release and on the old version during a rollback.
 *
 *   npx tsx bench/canary.ts [rounds=3] [machines=2]
 */
import { performance } from 'node:perf_hooks';
import { runCanary } from '../libs/canary/src/index.ts';
import { APP, IMAGES, startFlyApp, TOKEN, type FlyApp } from '../libs/canary/test/support/fly-app.ts';
import { startLoad } from '../libs/canary/test/support/load.ts';

const rounds = Number(process.argv[2] ?? 3);
const machines = Number(process.argv[3] ?? 2);
const env = { FLY_API_TOKEN: TOKEN };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function healthyRelease(app: FlyApp): Promise<{ failed: number; total: number; seconds: number }> {
  await app.launch(machines);
  const load = startLoad(app.proxyUrl, { concurrency: 4 });
  const started = performance.now();
  const { exitCode, report } = await runCanary(
    { config: app.flyToml, apiUrl: app.apiUrl, image: IMAGES.good },
    { env },
  );
  const seen = await load.stop();
  if (exitCode !== 0) throw new Error(`the healthy release did not go out: ${report.summary}`);
  return { failed: seen.failed, total: seen.total, seconds: (performance.now() - started) / 1000 };
}

async function badRelease(app: FlyApp) {
  await app.launch(machines);
  const load = startLoad(app.proxyUrl, { concurrency: 4 });
  let failingAnalysisAt = 0;
  const { exitCode, report } = await runCanary(
    { config: app.flyToml, apiUrl: app.apiUrl, image: IMAGES.errors },
    {
      env,
      progress: (line) => {
        if (!failingAnalysisAt && /analysis \d+: failed/.test(line)) failingAnalysisAt = Date.now();
      },
    },
  );
  const rolledBackAt = Date.now();
  // A further interval of load on the old version alone.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const seen = await load.stop();
  if (exitCode !== 1 || !failingAnalysisAt) throw new Error(`the bad release was not rolled back: ${report.summary}`);
  const lastBadAnswer = Math.max(failingAnalysisAt, ...seen.failures.map((f) => f.at));
  const firstBadAnswer = Math.min(failingAnalysisAt, ...seen.failures.map((f) => f.at));
  return {
    firstBadToBackSeconds: (lastBadAnswer - firstBadAnswer) / 1000,
    total: seen.total,
    trafficBackSeconds: (lastBadAnswer - failingAnalysisAt) / 1000,
    rollbackSeconds: (rolledBackAt - failingAnalysisAt) / 1000,
    failedOnOld: seen.failures.filter((f) => f.at > lastBadAnswer || !/ 500$/.test(f.what)).length,
    failedOnNew: seen.failures.filter((f) => / 500$/.test(f.what)).length,
  };
}

/** flyctl's rolling strategy: update each Machine to the new image in place, one at a time, no analysis. */
async function rollingBaseline(app: FlyApp): Promise<{ errorShare: number }> {
  const ids = await app.launch(machines);
  const load = startLoad(app.proxyUrl, { concurrency: 4 });
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${app.apiUrl}/v1/apps/${APP}/machines${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ config: Record<string, unknown>; instance_id: string }>);
  for (const id of ids) {
    const machine = await call('GET', `/${id}`);
    await call('POST', `/${id}`, { config: { ...machine.config, image: IMAGES.errors } });
    while (!app.simulator.serving(APP).some((m) => m.id === id && m.config.image === IMAGES.errors))
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const before = load.snapshot();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const after = await load.stop();
  return { errorShare: (after.failed - before.failed) / Math.max(1, after.total - before.total) };
}

const app = await startFlyApp();
try {
  const healthy: Awaited<ReturnType<typeof healthyRelease>>[] = [];
  const bad: Awaited<ReturnType<typeof badRelease>>[] = [];
  const baseline: Awaited<ReturnType<typeof rollingBaseline>>[] = [];
  for (let round = 1; round <= rounds; round++) {
    healthy.push(await healthyRelease(app));
    bad.push(await badRelease(app));
    baseline.push(await rollingBaseline(app));
    console.error(`bench/canary: round ${round} of ${rounds} done`);
  }
  const m = (values: number[], digits = 1) => median(values).toFixed(digits);
  const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
  const exposure = median(bad.map((b) => b.failedOnNew / Math.max(1, b.total)));
  const rolling = median(baseline.map((b) => b.errorShare));
  const lines = [
    `bench/canary: ${machines} machines, ${rounds} round(s), default settings, steady load of 4 connections through the proxy`,
    `healthy release: ${m(
      healthy.map((h) => h.failed),
      0,
    )} failed of ${m(
      healthy.map((h) => h.total),
      0,
    )} requests (median), ${m(healthy.map((h) => h.seconds))} s (goal: 0 failed)`,
    `bad release: first failing analysis → all traffic on the old version ${m(
      bad.map((b) => b.trafficBackSeconds),
      2,
    )} s, → rollback complete ${m(
      bad.map((b) => b.rollbackSeconds),
      2,
    )} s (goal ≤ 30 s)`,
    `bad release: first 5xx of the canary → all traffic on the old version ${m(
      bad.map((b) => b.firstBadToBackSeconds),
      2,
    )} s (the step's 30 s observation, then the rollback)`,
    `bad release: ${m(
      bad.map((b) => b.failedOnOld),
      0,
    )} failed requests on the old version during the rollback (goal: 0); ${m(
      bad.map((b) => b.failedOnNew),
      0,
    )} 5xx from the canary machine while it served`,
    `baseline (rolling, no analysis): ${percent(rolling)} of requests 5xx after the deploy, and no rollback`,
    `ratio: ${percent(exposure)} of the requests during the canary release failed and none after it, against ${percent(rolling)} of every request from then on with the rolling baseline (${(exposure / Math.max(rolling, 1e-9)).toFixed(2)}×, and for one release's duration only)`,
  ];
  for (const line of lines) console.log(line);
} finally {
  await app.stop();
}
