import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCanary } from '../src/index.ts';
import { APP, baseOptions, IMAGES, startFlyApp, TOKEN, type FlyApp } from './support/fly-app.ts';
import { startLoad, versionsAnswering } from './support/load.ts';

const env = { FLY_API_TOKEN: TOKEN };

describe('a canary release against the Machines simulator', () => {
  let app: FlyApp;
  beforeAll(async () => {
    app = await startFlyApp();
  });
  afterAll(() => app?.stop());

  it('goes through every step under load: old machines destroyed, new ones serving, the report complete', async () => {
    const old = await app.launch(3);
    const load = startLoad(app.proxyUrl, { concurrency: 4 });
    const lines: string[] = [];
    const { exitCode, report } = await runCanary(
      { ...baseOptions(app), image: IMAGES.good },
      { env, progress: (line) => lines.push(line) },
    );
    const seen = await load.stop();

    expect(report.outcome, lines.join('\n')).toBe('released');
    expect(exitCode).toBe(0);
    expect(report.steps.map((s) => [s.label, s.target, s.verdict])).toEqual([
      ['1', 1, 'passed'],
      ['50%', 2, 'passed'],
      ['100%', 3, 'passed'],
    ]);
    expect(report.releaseCommand).toMatchObject({ command: 'migrate up', exitCode: 0 });
    expect(report.machines.destroyed.sort()).toEqual([...old].sort());
    const analyses = report.steps.flatMap((s) => s.analyses);
    expect(analyses.every((a) => a.new.requests >= 20 && a.new.errorRate === 0 && a.probes.every((p) => p.ready))).toBe(
      true,
    );
    expect(analyses[0]!.old?.requests).toBeGreaterThan(0);

    const machines = app.simulator.machines(APP);
    expect(machines.map((m) => m.config.image)).toEqual([IMAGES.good, IMAGES.good, IMAGES.good]);
    expect(machines.every((m) => !m.config.metadata?.fly_canary && !m.lease)).toBe(true);
    expect(await versionsAnswering(app.proxyUrl, 6)).toEqual({ '1.5.0': 6 });
    expect(seen.failures).toEqual([]);
    expect(seen.total).toBeGreaterThan(100);
  });

  it('rolls back a release whose /readyz fails before any traffic reaches it', async () => {
    const old = await app.launch(2);
    const { exitCode, report } = await runCanary(
      { ...baseOptions(app), image: IMAGES.unready, waitTimeout: 15_000 },
      { env },
    );
    expect(exitCode).toBe(1);
    expect(report.outcome).toBe('rolled-back');
    expect(report.rollback).toMatchObject({ step: 1, completed: true });
    expect(report.rollback!.reason).toMatch(/checks not passing|\/readyz/);
    expect(report.rollback!.reason).toMatch(/storage|503/);
    expect(report.steps[0]!.cordoned).toEqual([]);
    expect(report.steps[0]!.analyses).toEqual([]);
    const machines = app.simulator.machines(APP);
    expect(machines.map((m) => m.id).sort()).toEqual([...old].sort());
    expect(app.simulator.serving(APP)).toHaveLength(2);
    expect(await versionsAnswering(app.proxyUrl, 4)).toEqual({ '1.4.2': 4 });
  });

  it('rolls back a release answering 20 % 5xx at the first step; the old machines serve every request after', async () => {
    const old = await app.launch(2);
    const load = startLoad(app.proxyUrl, { concurrency: 4 });
    const { exitCode, report } = await runCanary({ ...baseOptions(app), image: IMAGES.errors }, { env });
    const during = await load.stop();

    expect(exitCode).toBe(1);
    expect(report.outcome).toBe('rolled-back');
    expect(report.rollback).toMatchObject({ step: 1, completed: true });
    const analysis = report.steps[0]!.analyses.at(-1)!;
    expect(analysis.verdict).toBe('failed');
    expect(analysis.new.errorRate).toBeGreaterThan(0.15);
    expect(analysis.old?.errorRate).toBe(0);
    expect(report.rollback!.details.join('\n')).toMatch(/5xx rate (1[5-9]|2\d)\.\d % .* over the maximum 1\.0 %/);
    // Only the bad machine failed requests, and only while it served.
    expect(during.failed).toBeGreaterThan(0);
    expect(during.failures.every((f) => / 500$/.test(f.what))).toBe(true);

    expect(
      app.simulator
        .machines(APP)
        .map((m) => m.id)
        .sort(),
    ).toEqual([...old].sort());
    const after = startLoad(app.proxyUrl, { concurrency: 4 });
    await new Promise((r) => setTimeout(r, 1500));
    const served = await after.stop();
    expect(served.total).toBeGreaterThan(20);
    expect(served.failures).toEqual([]);
    expect(await versionsAnswering(app.proxyUrl, 4)).toEqual({ '1.4.2': 4 });
  });

  it('rolls back when a new machine never starts', async () => {
    const old = await app.launch(2);
    const { exitCode, report } = await runCanary(
      { ...baseOptions(app), image: IMAGES.neverStarts, releaseCommand: '', waitTimeout: 4000 },
      { env },
    );
    expect(exitCode).toBe(1);
    expect(report.rollback).toMatchObject({ step: 1, completed: true });
    expect(report.rollback!.reason).toMatch(/did not reach started in time \(it is starting\)/);
    expect(report.machines.created).toHaveLength(1);
    expect(
      app.simulator
        .machines(APP)
        .map((m) => m.id)
        .sort(),
    ).toEqual([...old].sort());
    expect(app.simulator.serving(APP)).toHaveLength(2);
  });
});
