import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCanary } from '../src/index.ts';
import { APP, baseOptions, IMAGES, startFlyApp, TOKEN, workspaceRoot, type FlyApp } from './support/fly-app.ts';
import { startLoad, versionsAnswering } from './support/load.ts';

const env = { FLY_API_TOKEN: TOKEN };
const cli = join(workspaceRoot, 'libs/canary/src/main.ts');

/** The CLI as its own process, observing long enough at each step to be caught in the middle. */
function startCli(app: FlyApp): ResultPromise {
  return execa(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      '--config',
      app.flyToml,
      '--api-url',
      app.apiUrl,
      '--image',
      IMAGES.good,
      '--release-command',
      '',
      '--interval',
      '20000',
      '--lease-ttl',
      '5',
    ],
    { env: { ...process.env, ...env }, reject: false, cwd: workspaceRoot },
  );
}

/** Until a step has put a new machine in service and taken an old one out. */
async function midRollout(app: FlyApp): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!app.simulator.machines(APP).some((m) => m.config.metadata?.fly_canary_replaced_by)) {
    if (Date.now() > deadline) throw new Error('the rollout never reached its first step');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an interrupted rollout', () => {
  let app: FlyApp;
  beforeAll(async () => {
    app = await startFlyApp();
  });
  afterAll(() => app?.stop());

  it('Ctrl-C rolls back, and a second Ctrl-C does not stop the rollback: the old machines serve, exit 1', async () => {
    const old = await app.launch(2);
    const load = startLoad(app.proxyUrl, { concurrency: 2 });
    const run = startCli(app);
    await midRollout(app);
    run.stderr!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('interrupted: rolling back')) run.kill('SIGINT');
    });
    run.kill('SIGINT');
    const result = await run;
    expect(result.stderr).toContain('fly-canary: finishing the rollback first');
    const seen = await load.stop();
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(result.stdout).toMatch(/step 1 failed: interrupted \(Ctrl-C\)/);
    expect(result.stdout).toMatch(/rolled back .* at step 1 \(interrupted \(Ctrl-C\)\); the old version serves/);
    expect(
      app.simulator
        .machines(APP)
        .map((m) => m.id)
        .sort(),
    ).toEqual([...old].sort());
    expect(app.simulator.serving(APP)).toHaveLength(2);
    expect(seen.failures).toEqual([]);
  });

  it('a CLI killed mid-rollout is rolled back by the next run, which then releases', async () => {
    const old = await app.launch(2);
    const run = startCli(app);
    await midRollout(app);
    run.kill('SIGKILL');
    await run;
    const left = app.simulator.machines(APP);
    const tagged = left.filter((m) => m.config.metadata?.fly_canary).map((m) => m.id);
    expect(tagged).toHaveLength(1);
    expect(left.filter((m) => m.config.metadata?.fly_canary_replaced_by).map((m) => m.id)).toEqual([old[0]]);

    const lines: string[] = [];
    const load = startLoad(app.proxyUrl, { concurrency: 2 });
    const { exitCode, report } = await runCanary(
      { ...baseOptions(app), image: IMAGES.good, releaseCommand: '', leaseTtl: 5 },
      { env, progress: (line) => lines.push(line) },
    );
    const seen = await load.stop();
    expect(seen.failures).toEqual([]);
    expect(exitCode, lines.join('\n')).toBe(0);
    expect(report.interrupted).toMatchObject({ action: 'rolled-back' });
    expect(report.interrupted!.machines.sort()).toEqual([...tagged, old[0]!].sort());
    expect(lines.join('\n')).toMatch(/was interrupted: rolling it back first/);
    expect(report.machines.destroyed.sort()).toEqual([...old].sort());
    const machines = app.simulator.machines(APP);
    expect(machines).toHaveLength(2);
    expect(machines.every((m) => m.config.image === IMAGES.good && !m.config.metadata?.fly_canary)).toBe(true);
    expect(machines.map((m) => m.id)).not.toContain(tagged[0]);
    expect(await versionsAnswering(app.proxyUrl, 4)).toEqual({ '1.5.0': 4 });
  });

  it('--resume takes a killed rollout up where it stopped', async () => {
    const old = await app.launch(2);
    const run = startCli(app);
    await midRollout(app);
    run.kill('SIGKILL');
    await run;
    const [first] = app.simulator
      .machines(APP)
      .filter((m) => m.config.metadata?.fly_canary)
      .map((m) => m.id);

    const load = startLoad(app.proxyUrl, { concurrency: 2 });
    const { exitCode, report } = await runCanary({ ...baseOptions(app), resume: true, leaseTtl: 5 }, { env });
    const seen = await load.stop();
    expect(report.interrupted).toBeNull();
    expect(seen.failures).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.image).toBe(IMAGES.good);
    expect(report.steps.map((s) => [s.target, s.verdict, s.created.length])).toEqual([
      [1, 'passed', 0],
      [2, 'passed', 1],
    ]);
    expect(report.machines.destroyed.sort()).toEqual([...old].sort());
    expect(app.simulator.machines(APP).map((m) => m.id)).toContain(first);
    expect(app.simulator.machines(APP).every((m) => m.config.image === IMAGES.good)).toBe(true);
  });
});
