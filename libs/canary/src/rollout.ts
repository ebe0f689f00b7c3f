import type { Analysis, GroupFigures } from './analysis.ts';
import { waitForChecks, waitForState } from './boot.ts';
import { CanaryError } from './errors.ts';
import { checkpoint, Interrupted } from './interrupt.ts';
import { leaseDescription } from './leases.ts';
import { TAG, type Machine } from './machine.ts';
import { machineUrl, probeReadiness } from './machine-probe.ts';
import type { MachinesApi } from './machines-api.ts';
import { measureInterval, type Measured } from './measure.ts';
import { figuresLine, type CanaryReport, type StepReport } from './report.ts';
import type { Settings } from './settings.ts';

/** A failure at a step, with the figures that crossed their thresholds. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export interface RolloutIo {
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Traffic at the new machines for an interval (--synthetic-load). */
  syntheticLoad?: (machines: Machine[], signal: AbortSignal) => Promise<void>;
}

/**
 * Moves traffic step by step: new machines created out of the proxy, started, checked and probed, then put
 * in service before as many old machines are taken out; each step observed and analysed. Any failure is
 * thrown for the caller to roll back; state (`created`, `cordoned`) says what there is to undo.
 */
export class Rollout {
  /** New machines, in the order created; `serving` are in the proxy. */
  readonly created: Machine[] = [];
  readonly serving = new Set<string>();
  /** Old machines out of service, in the order taken out. */
  readonly cordoned: Machine[] = [];
  private previousOld: GroupFigures | null = null;

  constructor(
    private readonly api: MachinesApi,
    private readonly settings: Settings,
    private readonly deployment: string,
    readonly old: Machine[],
    private readonly report: CanaryReport,
    private readonly io: RolloutIo,
  ) {}

  /**
   * An interrupted release taken up again: its new machines checked and put in service, as many old ones
   * out of it, and the steps already reached marked done.
   */
  async resume(fresh: Machine[], cordonedOld: Machine[]): Promise<void> {
    for (const m of fresh) {
      this.created.push(m);
      this.report.machines.created.push(m.id);
      await this.boot(m);
      await this.api.uncordon(m.id);
      this.serving.add(m.id);
    }
    const cordonedIds = new Set(cordonedOld.map((m) => m.id));
    this.cordoned.push(...this.old.filter((m) => cordonedIds.has(m.id)));
    for (const m of this.inService().slice(0, Math.max(0, this.serving.size - this.cordoned.length)))
      await this.takeOut(m);
    let reached = this.serving.size;
    for (const step of this.report.steps) {
      if (step.target <= reached) step.verdict = 'passed';
      else {
        step.create = step.target - reached;
        reached = step.target;
      }
    }
  }

  /** Old machines still in the proxy. */
  private inService(): Machine[] {
    return this.old.filter((m) => !this.cordoned.some((c) => c.id === m.id));
  }

  private async takeOut(m: Machine): Promise<void> {
    checkpoint(this.io.signal);
    this.guardMinimum();
    await this.api.setMetadata(m.id, TAG.replacedBy, this.deployment);
    await this.api.cordon(m.id);
    this.cordoned.push(m);
  }

  async runStep(step: StepReport): Promise<void> {
    const { log } = this.io;
    log(
      `step ${step.index}/${this.report.steps.length} (${step.label}): ${step.create} new machine(s), ${step.target} of ${this.old.length} on ${this.settings.image}`,
    );
    const replaced = this.inService().slice(0, step.create);
    const fresh = await Promise.all(replaced.map((m) => this.createLike(m)));
    step.created.push(...fresh.map((m) => m.id));
    await Promise.all(fresh.map((m) => this.boot(m)));
    for (const m of fresh) {
      checkpoint(this.io.signal);
      await this.api.uncordon(m.id);
      this.serving.add(m.id);
    }
    for (const m of replaced) {
      await this.takeOut(m);
      step.cordoned.push(m.id);
    }
    log(
      `step ${step.index}: ${[...this.serving].length} new and ${this.old.length - this.cordoned.length} old machine(s) serving; observing ${Math.round(this.settings.intervalMs / 1000)} s`,
    );
    await this.analyse(step);
    step.verdict = 'passed';
  }

  /** Old machines out of service are stopped (draining) and destroyed; the new ones lose their deployment tag. */
  async finish(): Promise<string[]> {
    const destroyed: string[] = [];
    for (const m of this.old) {
      await this.api.stop(m.id).catch(() => undefined);
      await this.api.destroy(m.id);
      this.api.forget(m.id);
      destroyed.push(m.id);
    }
    for (const m of this.created) await this.api.deleteMetadata(m.id, TAG.deployment);
    return destroyed;
  }

  private async createLike(template: Machine): Promise<Machine> {
    checkpoint(this.io.signal);
    const machine = await this.api.create({
      region: template.region,
      skip_service_registration: true,
      lease_ttl: this.settings.leaseTtlSeconds,
      config: {
        ...template.config,
        image: this.settings.image,
        metadata: { ...template.config.metadata, [TAG.deployment]: this.deployment },
      },
    });
    this.created.push(machine);
    this.report.machines.created.push(machine.id);
    // The lease create took has no description: name this release on it, for whoever finds it held.
    await this.api.lease(machine.id, this.settings.leaseTtlSeconds, leaseDescription(this.deployment));
    return machine;
  }

  /** Started, every check passing, and /readyz answering on the machine itself, before any traffic. */
  private async boot(machine: Machine): Promise<void> {
    const deadline = Date.now() + this.settings.waitTimeoutMs;
    await waitForState(this.api, machine, 'started', deadline, this.io.signal);
    await waitForChecks(this.api, machine.id, deadline, this.io.signal);
    const readiness = await probeReadiness(this.urlOf(machine));
    if (!readiness.ready)
      throw new StepFailure(`machine ${machine.id}: /readyz ${readiness.detail} before any traffic reached it`, [
        `machine ${machine.id}: /readyz ${readiness.detail}`,
      ]);
    this.io.log(`machine ${machine.id}: started, checks passing, /readyz ok`);
  }

  private guardMinimum(): void {
    const servingOld = this.old.length - this.cordoned.length;
    const servingNow = servingOld + this.serving.size;
    if (servingNow - 1 < Math.min(this.settings.minMachinesRunning, servingNow))
      throw new CanaryError(
        `taking an old machine out would leave ${servingNow - 1} machine(s) serving, under min_machines_running ${this.settings.minMachinesRunning}`,
        'lower --min-machines-running or add machines first',
      );
  }

  private async analyse(step: StepReport): Promise<void> {
    const s = this.settings;
    let failures = 0;
    let inconclusive = 0;
    let withLoad = false;
    for (let measurement = 1; ; measurement++) {
      const freshMachines = this.created.filter((m) => this.serving.has(m.id));
      const analysis = await measureInterval({
        api: this.api,
        step: step.index,
        measurement,
        fresh: freshMachines.map((m) => this.measured(m)),
        old: this.inService().map((m) => this.measured(m)),
        previousOld: this.previousOld,
        intervalMs: s.intervalMs,
        thresholds: s,
        load: withLoad && this.io.syntheticLoad ? (signal) => this.io.syntheticLoad!(freshMachines, signal) : undefined,
        signal: this.io.signal,
      });
      step.analyses.push(analysis);
      if (analysis.old && analysis.old.machines.length && analysis.old.requests > 0) this.previousOld = analysis.old;
      this.io.log(describe(analysis));
      if (analysis.verdict === 'passed') return;
      if (analysis.verdict === 'failed') {
        failures++;
        if (failures > s.failureLimit)
          throw new StepFailure(`analysis failed${failures > 1 ? ` ${failures} times` : ''}`, analysis.reasons);
        continue;
      }
      inconclusive++;
      if (s.syntheticLoad && !withLoad) {
        withLoad = true;
        this.io.log(`step ${step.index}: inconclusive; driving the smoke checks at the new machines`);
        continue;
      }
      if (s.onInconclusive === 'fail')
        throw new StepFailure('analysis inconclusive (--on-inconclusive fail)', analysis.reasons);
      if (inconclusive >= s.maxInconclusive)
        throw new StepFailure(
          `analysis inconclusive ${inconclusive} time(s) in a row (--max-inconclusive ${s.maxInconclusive})`,
          analysis.reasons,
        );
    }
  }

  urlOf(machine: Machine): string {
    return machineUrl(this.settings.machineUrl, machine, this.settings.app, this.settings.internalPort);
  }

  private measured(machine: Machine): Measured {
    const { machineUrl: template, app, metricsPort } = this.settings;
    return { machine, url: this.urlOf(machine), metricsUrl: machineUrl(template, machine, app, metricsPort) };
  }
}

function describe(a: Analysis): string {
  return `step ${a.step} analysis ${a.measurement}${a.syntheticLoad ? ' (synthetic load)' : ''}: ${a.verdict}; ${figuresLine('new', a.new)}; ${figuresLine('old', a.old)}${a.reasons.length ? `; ${a.reasons.join('; ')}` : ''}`;
}

export { Interrupted };
