import { execa } from 'execa';

/**
 * Whether tests that need a real container engine can run here. In CI (CI=true) a missing engine or
 * base image is a failure, because CI provisions both; elsewhere the tests skip with one line why.
 */
export interface ContainerGate {
  /** Skip the suite (never in CI). */
  skip: boolean;
  /** What is missing; in CI the suite's beforeAll throws it. */
  problem?: string;
}

export async function dockerProblem(requiredImages: readonly string[] = []): Promise<string | undefined> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 20_000 });
  if (info.failed) {
    const why = info.code === 'ENOENT' ? 'no docker CLI' : (info.stderr.split('\n')[0] ?? `exit ${info.exitCode}`);
    return `no Docker engine (${why}): apt-get install -y docker.io && dockerd --bridge=none --iptables=false &`;
  }
  const missing: string[] = [];
  for (const image of requiredImages) {
    const inspect = await execa('docker', ['image', 'inspect', image], { reject: false });
    if (inspect.exitCode !== 0) missing.push(image);
  }
  if (missing.length) return `base image(s) ${missing.join(', ')} missing: run docker/base-images/build.sh`;
  return undefined;
}

export async function containerGate(requiredImages: readonly string[] = []): Promise<ContainerGate> {
  const problem = await dockerProblem(requiredImages);
  if (!problem) return { skip: false };
  if (process.env.CI === 'true' || process.env.CI === '1') return { skip: false, problem };
  console.warn(`skipped: ${problem}`);
  return { skip: true, problem };
}

/** Polls `docker inspect` until the container's HEALTHCHECK reports healthy; fails on unhealthy or exit. */
export async function waitForHealthy(container: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const { stdout } = await execa('docker', [
      'inspect',
      '--format',
      '{{.State.Status}} {{.State.Health.Status}}',
      container,
    ]);
    last = stdout.trim();
    if (last === 'running healthy') return;
    if (last.startsWith('exited') || last.endsWith('unhealthy')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const logs = await execa('docker', ['logs', '--tail', '20', container], { reject: false, all: true });
  throw new Error(`container ${container} is not healthy (${last}); last log lines:\n${logs.all}`);
}

/** Removes containers by ID, ignoring ones already gone. */
export async function removeContainers(...containers: string[]): Promise<void> {
  const ids = containers.filter(Boolean);
  if (ids.length) await execa('docker', ['rm', '--force', '--volumes', ...ids], { reject: false });
}
