import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { runSmoke } from '@shopops/smoke';
import { CanaryError, CanaryInputError, EXIT } from './errors.ts';
import { appMachines, findInterrupted, type InterruptedRelease } from './interrupted.ts';
import { Interrupted } from './interrupt.ts';
import { acquireLeases, releaseLeases, renewLeases } from './leases.ts';
import { TAG, type Machine } from './machine.ts';
import { FlyApiError, MachinesApi } from './machines-api.ts';
import type { CanaryOptions } from './options.ts';
import { runReleaseCommand } from './release-command.ts';
import { summaryLine, writeReport, type CanaryReport } from './report.ts';
import { parseCanaryOptions, resolveSettings } from './resolve.ts';
import { rollBack } from './rollback.ts';
import { Rollout, StepFailure } from './rollout.ts';
import { settingsShown, type Settings } from './settings.ts';
import { planSteps } from './steps.ts';

export interface CanaryIo {
  env?: NodeJS.ProcessEnv;
  /** Relative paths (fly.toml, the image record, the report) are resolved here; default process.cwd(). */
  cwd?: string;
  /** One line per step, analysis and machine (the CLI passes it on a TTY). */
  progress?: (line: string) => void;
  /** Aborted on Ctrl-C: the release stops at the next checkpoint and rolls back; the rollback itself runs to the end. */
  signal?: AbortSignal;
}

export interface CanaryResult {
  /** 0 released (or planned), 1 failed and rolled back, 3 another deploy holds a lease. */
  exitCode: number;
  report: CanaryReport;
}

/**
 * A canary release of a Fly app through the Machines API. Invalid input throws CanaryInputError, and a
 * refused token or an unknown app CanaryError, before anything changes; from the first change on, every
 * failure (an analysis, a check, a timeout, Ctrl-C) is rolled back and described in the result's report.
 */
export async function runCanary(rawOptions: CanaryOptions, io: CanaryIo = {}): Promise<CanaryResult> {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const log = io.progress ?? (() => undefined);
  const options = parseCanaryOptions(rawOptions);
  const { settings, token } = resolveSettings(options, cwd, env);
  const api = new MachinesApi({
    baseUrl: settings.apiUrl,
    app: settings.app,
    token,
    retries: settings.retries,
    onRetry: log,
  });
  const all = await listMachines(api, settings);
  const interrupted = findInterrupted(all);
  const resumed = options.resume ? resumable(interrupted, options.image) : undefined;
  if (resumed?.image) settings.image = resumed.image;
  const old = appMachines(all).filter((m) => !m.config.metadata?.[TAG.deployment]);
  checkOldMachines(settings.app, old);
  const deployment =
    resumed?.deployment ??
    `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const report = newReport(settings, deployment, old, planSteps(settings.steps, old.length));
  if (interrupted.length && !resumed)
    report.interrupted = {
      deployment: interrupted.map((i) => i.deployment).join(', '),
      action: options.dryRun ? 'planned' : 'rolled-back',
      machines: interrupted.flatMap(machinesOf).map((m) => m.id),
    };
  if (options.dryRun) return finish(report, 'planned', EXIT.released, options.report, cwd);

  const stopRenewing = renewLeases(api, settings.leaseTtlSeconds, deployment, log);
  const rollout = new Rollout(api, settings, deployment, old, report, {
    log,
    signal: io.signal,
    syntheticLoad: settings.syntheticLoad
      ? (machines, signal) => driveSmokeChecks(settings, machines, env, signal, log)
      : undefined,
  });
  let changed = false;
  let currentStep: number | null = null;
  try {
    const expiredOwners = interrupted.map((i) => i.deployment);
    for (const release of resumed ? [] : interrupted) {
      await cleanUp(api, release, settings, deployment, log, io.signal);
      changed = true;
    }
    await acquireLeases(
      api,
      old.map((m) => m.id),
      { ttlSeconds: settings.leaseTtlSeconds, deployment, expiredOwners, log, signal: io.signal },
    );
    changed = true;
    if (resumed) {
      await acquireLeases(
        api,
        machinesOf(resumed).map((m) => m.id),
        {
          ttlSeconds: settings.leaseTtlSeconds,
          deployment,
          expiredOwners,
          createdByExpired: [...resumed.created, ...resumed.releaseCommandMachines].map((m) => m.id),
          log,
          signal: io.signal,
        },
      );
      for (const m of resumed.releaseCommandMachines) await api.destroy(m.id);
      log(`resuming release ${deployment}: ${resumed.created.length} new machine(s) found`);
      await rollout.resume(resumed.created, resumed.cordonedOld);
    } else if (settings.releaseCommand) {
      report.releaseCommand = { command: settings.releaseCommand, machine: null, exitCode: null };
      const result = await runReleaseCommand(api, {
        template: old[0]!,
        image: settings.image,
        command: settings.releaseCommand,
        deployment,
        leaseTtl: settings.leaseTtlSeconds,
        timeoutMs: settings.releaseCommandTimeoutMs,
        signal: io.signal,
        log,
      }).catch((error: unknown) => {
        if (error instanceof CanaryError) report.releaseCommand!.exitCode = exitCodeIn(error.message);
        throw error;
      });
      Object.assign(report.releaseCommand, result);
    }
    for (const step of report.steps) {
      if (step.verdict === 'passed') continue;
      currentStep = step.index;
      await rollout.runStep(step).catch((error: unknown) => {
        step.verdict = error instanceof Interrupted ? 'interrupted' : 'failed';
        throw error;
      });
    }
    currentStep = null;
    report.machines.destroyed = await rollout.finish();
    return finish(report, 'released', EXIT.released, options.report, cwd);
  } catch (error) {
    if (error instanceof CanaryError && error.exitCode === EXIT.leaseHeld && !changed) {
      report.rollback = {
        step: null,
        reason: error.message,
        details: [error.remedy ?? ''].filter(Boolean),
        completed: true,
      };
      return finish(report, 'failed', EXIT.leaseHeld, options.report, cwd);
    }
    if (!(
      error instanceof StepFailure ||
      error instanceof CanaryError ||
      error instanceof Interrupted ||
      error instanceof FlyApiError
    ))
      throw error;
    const details =
      error instanceof StepFailure
        ? error.details
        : error instanceof CanaryError && error.remedy
          ? [`remedy: ${error.remedy}`]
          : [];
    report.rollback = { step: currentStep, reason: error.message, details, completed: false };
    const undo = rollout.created.length > 0 || rollout.cordoned.length > 0;
    if (undo) log(`rolling back: ${error.message}`);
    const problems = await rollBack(api, { cordonedOld: rollout.cordoned, created: rollout.created }, log);
    report.rollback.completed = problems.length === 0;
    report.rollback.details.push(...problems.map((p) => `rollback: ${p}`));
    return finish(report, undo || currentStep !== null ? 'rolled-back' : 'failed', EXIT.failed, options.report, cwd);
  } finally {
    stopRenewing();
    await releaseLeases(api);
  }
}

async function listMachines(api: MachinesApi, settings: Settings): Promise<Machine[]> {
  try {
    return await api.list();
  } catch (error) {
    if (!(error instanceof FlyApiError)) throw error;
    if (error.status === 401 || error.status === 403)
      throw new CanaryError(
        `the Machines API at ${settings.apiUrl} refused the token (${error.status} ${error.message})`,
        `set FLY_API_TOKEN to a deploy token of ${settings.app}: fly tokens create deploy -a ${settings.app}`,
      );
    if (error.status === 404)
      throw new CanaryError(`app ${settings.app} not found (${error.message})`, "check --app or fly.toml's `app`");
    throw new CanaryError(error.message, `check --api-url (${settings.apiUrl}) and the network`);
  }
}

function checkOldMachines(app: string, old: Machine[]): void {
  if (!old.length)
    throw new CanaryInputError(
      `app ${app} has no machines to replace`,
      'the first deploy of an app is `fly deploy`; canaries replace running machines',
    );
  const images = new Map<string, string[]>();
  for (const m of old) images.set(m.config.image, [...(images.get(m.config.image) ?? []), m.id]);
  if (images.size > 1)
    throw new CanaryInputError(
      `the machines of ${app} run different images (${[...images].map(([image, ids]) => `${image}: ${ids.join(', ')}`).join('; ')}): a previous deploy did not finish`,
      'finish or undo it first: fly deploy --image <one of them>, or fly-canary --image <one of them>',
    );
}

function resumable(interrupted: InterruptedRelease[], image: string | undefined): InterruptedRelease {
  if (interrupted.length !== 1)
    throw new CanaryInputError(
      interrupted.length
        ? `${interrupted.length} interrupted releases found; --resume takes one`
        : 'no interrupted release to resume',
      interrupted.length ? 'run without --resume to roll them back' : 'run without --resume',
    );
  const [release] = interrupted as [InterruptedRelease];
  if (!release.image)
    throw new CanaryInputError(
      `interrupted release ${release.deployment} created no machine yet`,
      'run without --resume to roll it back and start again',
    );
  if (image && image !== release.image)
    throw new CanaryInputError(
      `--image ${image} is not the image of the interrupted release (${release.image})`,
      'resume without --image, or run without --resume',
    );
  return release;
}

const machinesOf = (r: InterruptedRelease) => [...r.created, ...r.releaseCommandMachines, ...r.cordonedOld];

/** An interrupted release rolled back: its old machines back in service, what it created destroyed. */
async function cleanUp(
  api: MachinesApi,
  release: InterruptedRelease,
  settings: Settings,
  deployment: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  log(`release ${release.deployment} was interrupted: rolling it back first`);
  await acquireLeases(
    api,
    machinesOf(release).map((m) => m.id),
    {
      ttlSeconds: settings.leaseTtlSeconds,
      deployment,
      expiredOwners: [release.deployment],
      createdByExpired: [...release.created, ...release.releaseCommandMachines].map((m) => m.id),
      log,
      signal,
    },
  );
  const problems = await rollBack(
    api,
    { cordonedOld: release.cordonedOld, created: [...release.created, ...release.releaseCommandMachines] },
    log,
  );
  if (problems.length)
    throw new CanaryError(
      `rolling back the interrupted release ${release.deployment} failed: ${problems.join('; ')}`,
      'run fly-canary again',
    );
}

function newReport(
  settings: Settings,
  deployment: string,
  old: Machine[],
  steps: ReturnType<typeof planSteps>,
): CanaryReport {
  return {
    app: settings.app,
    deployment,
    image: settings.image,
    previousImage: old[0]?.config.image ?? null,
    outcome: 'planned',
    exitCode: 0,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    releaseCommand: null,
    settings: settingsShown(settings),
    machines: { old: old.map((m) => m.id), created: [], destroyed: [] },
    steps: steps.map((step, i) => ({
      ...step,
      index: i + 1,
      created: [],
      cordoned: [],
      analyses: [],
      verdict: 'pending',
    })),
    interrupted: null,
    rollback: null,
    summary: '',
  };
}

function finish(
  report: CanaryReport,
  outcome: CanaryReport['outcome'],
  exitCode: number,
  path: string | undefined,
  cwd: string,
): CanaryResult {
  report.outcome = outcome;
  report.exitCode = exitCode;
  report.finishedAt = new Date().toISOString();
  report.summary = summaryLine(report);
  if (path) writeReport(resolve(cwd, path), report);
  return { exitCode, report };
}

function exitCodeIn(message: string): number | null {
  const match = /exited with (\d+)/.exec(message);
  return match ? Number(match[1]) : null;
}

/**
 * The smoke checks, through the app's URL, pinned to each new machine in turn until the interval ends.
 * A run that cannot even start (a bad smoke file) is said once and waited out, never retried in a busy loop.
 */
async function driveSmokeChecks(
  settings: Settings,
  machines: Machine[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  let reported = false;
  while (!signal.aborted) {
    for (const machine of machines) {
      if (signal.aborted) return;
      const started = Date.now();
      try {
        await runSmoke(
          {
            file: settings.smokeFile,
            url: settings.appUrl,
            headers: { 'fly-force-instance-id': machine.id },
            skipTags: settings.syntheticLoadSkipTags,
            retries: 0,
            deadline: 10_000,
            concurrency: 4,
          },
          { env },
        );
      } catch (error) {
        if (!reported) log(`synthetic load: ${(error as Error).message}`);
        reported = true;
      }
      // At most a run every 100 ms per machine: a run that fails at once must not spin.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - started))));
    }
  }
}
