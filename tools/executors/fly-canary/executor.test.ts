import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '@shopops/local-servers';
import { scratchDir, startFlyMachinesSimulator, type FlyMachinesSimulator } from '@shopops/testing';
import { captureOutput } from '../../src/testing/captured-output.ts';
import flyCanaryExecutor from './executor.ts';

// Machines of the simulator are real processes: here a plain HTTP listener, since these cases stop before
// any traffic moves (the rollouts themselves run against the real API in libs/canary/test).
const listener = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST)`;
const OLD = 'registry.fly.io/shop-api:1.0.0';
const NEW = 'registry.fly.io/shop-api';
const DIGEST = 'sha256:4f1c9e7b2a6d8e3f0c5b1a9d7e6f4c3b2a1908f7e6d5c4b3a29180706f5e4d3c';
const TOKEN = 'fm2_executor-test';

let simulator: FlyMachinesSimulator;
let old: string[];
beforeAll(async () => {
  simulator = await startFlyMachinesSimulator({
    token: TOKEN,
    images: {
      [OLD]: { cmd: [process.execPath, '-e', listener] },
      [`${NEW}@${DIGEST}`]: { cmd: [process.execPath, '-e', listener] },
    },
  });
  await simulator.createApp('shop-api');
  const port = await freePort();
  old = (
    await simulator.launch('shop-api', 2, {
      image: OLD,
      services: [{ internal_port: port, checks: [{ type: 'http', path: '/', interval: '200ms' }] }],
      metadata: { fly_process_group: 'app' },
    })
  ).map((m) => m.id);
});
afterAll(() => simulator?.stop());

describe('fly-canary executor', () => {
  let workspace: string;
  let context: ExecutorContext;
  let output: () => { stdout: string; stderr: string };
  beforeEach(() => {
    workspace = scratchDir('fly-canary-executor-');
    mkdirSync(join(workspace, 'apps/api'), { recursive: true });
    mkdirSync(join(workspace, 'dist/api'), { recursive: true });
    writeFileSync(join(workspace, 'fly.toml'), 'app = "shop-api"\n[deploy]\n  release_command = "migrate up"\n');
    writeFileSync(
      join(workspace, 'dist/api/image.json'),
      JSON.stringify({ image: `${NEW}@${DIGEST}`, digest: DIGEST, labels: {} }),
    );
    context = {
      root: workspace,
      cwd: join(workspace, 'apps/api'),
      isVerbose: false,
      projectName: 'api',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as ExecutorContext;
    output = captureOutput();
    vi.stubEnv('FLY_API_TOKEN', TOKEN);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('plans the release of the image docker-build recorded, from the fly.toml at the workspace root, and writes deploy.json', async () => {
    const before = simulator.requests.length;
    const result = await flyCanaryExecutor({ dryRun: true, apiUrl: simulator.url }, context);
    expect(result, output().stderr).toEqual({ success: true });
    expect(output().stdout).toContain(`plan for shop-api: ${OLD} → ${NEW}@${DIGEST}`);
    expect(output().stdout).toContain('release command: `migrate up` in a temporary machine');
    const report = JSON.parse(readFileSync(join(workspace, 'dist/api/deploy.json'), 'utf8'));
    expect(report).toMatchObject({ app: 'shop-api', image: `${NEW}@${DIGEST}`, outcome: 'planned', machines: { old } });
    expect(report.steps.map((s: { target: number }) => s.target)).toEqual([1, 2]);
    expect(simulator.requests.slice(before).every((r) => r.startsWith('GET '))).toBe(true);
  });

  it('fails, changing nothing, when another deploy holds a lease', async () => {
    simulator.holdLease('shop-api', old[0]!, 'ci@example.com', 60, 'fly deploy');
    const before = simulator.requests.length;
    const result = await flyCanaryExecutor({ apiUrl: simulator.url, writeReport: false }, context);
    expect(result).toEqual({ success: false });
    expect(output().stdout).toMatch(new RegExp(`machine ${old[0]} is leased by ci@example.com \\(fly deploy\\)`));
    // The refused lease request itself is the one call that is not a read.
    expect(simulator.requests.slice(before).filter((r) => !r.startsWith('GET '))).toEqual([
      `POST /v1/apps/shop-api/machines/${old[0]}/lease`,
    ]);
  });

  it('says what is wrong with the options, and with a missing image record', async () => {
    expect(await flyCanaryExecutor({ steps: ['50%', '10%'], apiUrl: simulator.url }, context)).toEqual({
      success: false,
    });
    expect(output().stderr).toContain('fly-canary: steps must increase: "10%" comes after "50%"');
    expect(await flyCanaryExecutor({ imageRecord: 'dist/none/image.json', apiUrl: simulator.url }, context)).toEqual({
      success: false,
    });
    expect(output().stderr).toMatch(
      /no --image and .*dist\/none\/image\.json does not exist\n {2}remedy: build and push first/,
    );
  });
});
