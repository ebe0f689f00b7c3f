import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanaryError, runCanary } from '../src/index.ts';
import { runCliCaptured } from './support/cli-output.ts';
import { APP, baseOptions, IMAGES, startFlyApp, TOKEN, type FlyApp } from './support/fly-app.ts';

const env = { FLY_API_TOKEN: TOKEN };
const changes = (requests: string[]) => requests.filter((r) => !r.startsWith('GET '));

describe('faults before and around a release', () => {
  let app: FlyApp;
  let old: string[];
  beforeAll(async () => {
    app = await startFlyApp();
    old = await app.launch(2);
  });
  afterAll(() => app?.stop());

  it('stops on a failing release command: nothing changed, the old version serves', async () => {
    const { exitCode, report } = await runCanary({ ...baseOptions(app), image: IMAGES.brokenMigration }, { env });
    expect(exitCode).toBe(1);
    expect(report.outcome).toBe('failed');
    expect(report.releaseCommand).toMatchObject({ command: 'migrate up', exitCode: 1 });
    expect(report.rollback!.reason).toMatch(/release command `migrate up` exited with 1; nothing was changed/);
    expect(report.steps.every((s) => s.verdict === 'pending' && s.created.length === 0)).toBe(true);
    expect(
      app.simulator
        .machines(APP)
        .map((m) => m.id)
        .sort(),
    ).toEqual([...old].sort());
    expect(app.simulator.serving(APP)).toHaveLength(2);
    expect(app.simulator.machines(APP).every((m) => !m.lease && !m.config.metadata?.fly_canary_replaced_by)).toBe(true);
  });

  it('says once that the token was refused, without printing it, and exits 1', async () => {
    const wrong = 'fm2_wrong-token-123456';
    const { exitCode, stdout, stderr } = await runCliCaptured(
      ['--config', app.flyToml, '--api-url', app.apiUrl, '--image', IMAGES.good, '--retries', '0'],
      { FLY_API_TOKEN: wrong },
    );
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `fly-canary: the Machines API at ${app.apiUrl} refused the token (401 unauthorized)\n` +
        `  remedy: set FLY_API_TOKEN to a deploy token of ${APP}: fly tokens create deploy -a ${APP}\n`,
    );
    expect(stderr).not.toContain(wrong);
  });

  it('stops with exit 3 when another deploy holds a lease, before changing anything', async () => {
    app.simulator.holdLease(APP, old[1]!, 'ci@example.com', 120, 'fly deploy');
    const before = app.simulator.requests.length;
    const { exitCode, report } = await runCanary({ ...baseOptions(app), image: IMAGES.good }, { env });
    expect(exitCode).toBe(3);
    expect(report.rollback!.reason).toMatch(
      new RegExp(`machine ${old[1]} is leased by ci@example.com \\(fly deploy\\) until .*: another deploy is running`),
    );
    const made = changes(app.simulator.requests.slice(before));
    expect(made.filter((r) => !/\/lease$/.test(r))).toEqual([]);
    expect(app.simulator.machines(APP).find((m) => m.id === old[0])!.lease).toBeUndefined();
  });

  it('prints the plan with --dry-run through 429s, calling nothing that changes state', async () => {
    app.simulator.machines(APP).forEach((m) => (m.lease = undefined));
    app.simulator.rateLimit(2);
    const before = app.simulator.requests.length;
    const { exitCode, stdout } = await runCliCaptured(
      ['--config', app.flyToml, '--api-url', app.apiUrl, '--image', IMAGES.good, '--dry-run', '--interval', '30000'],
      env,
    );
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`plan for ${APP}: ${IMAGES.old} → ${IMAGES.good}`);
    expect(stdout).toContain('release command: `migrate up` in a temporary machine');
    expect(stdout).toContain(`step 1 (1): create 1 machine(s), then cordon ${old[0]}; 1 of 2 on the new image`);
    expect(stdout).toContain(`step 2 (100%): create 1 machine(s), then cordon ${old[1]}; 2 of 2 on the new image`);
    expect(stdout).toContain(`at the end: destroy ${old.join(', ')}`);
    expect(stdout).toContain('analysis every 30 s: at least 50 requests');
    expect(app.simulator.requests.slice(before)).toEqual([
      'GET /v1/apps/shopops-api/machines',
      'GET /v1/apps/shopops-api/machines',
      'GET /v1/apps/shopops-api/machines',
    ]);
  });

  it('refuses bad input with one clear message before any change', async () => {
    const before = app.simulator.requests.length;
    const run = (argv: string[], withEnv: NodeJS.ProcessEnv = env) =>
      runCliCaptured(['--config', app.flyToml, '--api-url', app.apiUrl, ...argv], withEnv);
    const cases: [string[], RegExp][] = [
      [['--image', IMAGES.good, '--steps', '0,100%'], /step "0" moves no machine/],
      [['--image', IMAGES.good, '--steps', '1,150%'], /step "150%" is over 100%/],
      [['--image', IMAGES.good, '--steps', '50%,20%'], /steps must increase: "20%" comes after "50%"/],
      [['--image', IMAGES.good, '--steps', '2,1'], /steps must increase/],
      [['--image', IMAGES.good, '--max-error-rate', '2'], /--max-error-rate: a fraction from 0 to 1/],
      [['--image', IMAGES.good, '--max-p95-ratio', '0.5'], /--max-p95-ratio: at least 1/],
      [['--image-record', `${app.dir}/missing/image.json`], /no --image and .*missing\/image\.json does not exist/],
      [['--image', IMAGES.good, '--steps', '5'], /step "5" asks for 5 machines; the app runs 2/],
    ];
    for (const [argv, message] of cases) {
      const { exitCode, stderr } = await run(argv);
      expect(stderr, argv.join(' ')).toMatch(message);
      expect(stderr).toMatch(/\n {2}remedy: /);
      expect(exitCode).toBe(2);
    }
    expect(changes(app.simulator.requests.slice(before))).toEqual([]);
  });

  it('refuses an app whose machines run different images, and one with no machines', async () => {
    await app.simulator.destroyAll(APP);
    await expect(runCanary({ ...baseOptions(app), image: IMAGES.good }, { env })).rejects.toThrow(
      `app ${APP} has no machines to replace`,
    );
    const [a] = await app.launch(1);
    const [b] = (
      await app.simulator.launch(APP, 1, { ...app.simulator.machines(APP)[0]!.config, image: IMAGES.good })
    ).map((m) => m.id);
    const before = app.simulator.requests.length;
    const error = await runCanary({ ...baseOptions(app), image: IMAGES.good }, { env }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `the machines of ${APP} run different images (${IMAGES.old}: ${a}; ${IMAGES.good}: ${b}): a previous deploy did not finish`,
    );
    expect(error).not.toBeInstanceOf(CanaryError);
    expect(changes(app.simulator.requests.slice(before))).toEqual([]);
  });
});
