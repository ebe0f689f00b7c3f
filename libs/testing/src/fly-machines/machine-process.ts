import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { ImageDefinition } from './images.ts';
import { durationMs, type SimCheckConfig, type SimMachine } from './machine-state.ts';

const OUTPUT_LINES = 200;

/**
 * The process behind one machine: started from its image's command (or its init.cmd, resolved through the
 * image's bins), with the image's env under the machine's, listening on the machine's private IP; and its
 * Fly checks run for real against that address while it runs.
 */
export class MachineProcess {
  private child: ChildProcess | undefined;
  private timers: NodeJS.Timeout[] = [];
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly machine: SimMachine,
    private readonly image: ImageDefinition,
    private readonly onExit: (code: number, requested: boolean) => void,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    const { machine, image } = this;
    const argv = this.commandLine();
    const port = internalPort(machine);
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: image.cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        ...image.env,
        ...machine.config.env,
        HOST: machine.private_ip,
        ...(port ? { PORT: String(port) } : {}),
        FLY_APP_NAME: machine.app,
        FLY_MACHINE_ID: machine.id,
        FLY_REGION: machine.region,
        FLY_PRIVATE_IP: machine.private_ip,
        FLY_IMAGE_REF: machine.config.image,
        FLY_MACHINE_VERSION: machine.instance_id,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let requested = false;
    const keep = (chunk: Buffer) => {
      machine.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (machine.output.length > OUTPUT_LINES) machine.output.splice(0, machine.output.length - OUTPUT_LINES);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.stopChecks();
        this.child = undefined;
        requested = this.stopRequested;
        this.onExit(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1), requested);
        resolve();
      });
      child.on('error', (error) => {
        machine.output.push(`spawn failed: ${error.message}`);
      });
    });
    this.startChecks();
  }

  private stopRequested = false;

  /** The signal first; after `timeoutMs` a SIGKILL. Resolves once the process is gone. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    if (!this.child) return;
    this.stopRequested = true;
    this.child.kill(signal);
    const killer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(killer);
    this.stopRequested = false;
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    this.stopRequested = true;
    this.child.kill('SIGKILL');
    await this.exited;
    this.stopRequested = false;
  }

  private commandLine(): string[] {
    const cmd = this.machine.config.init?.cmd;
    if (!cmd?.length) return this.image.cmd;
    const bin = this.image.bins?.[cmd[0]!];
    if (!bin) return cmd;
    return [...bin, ...cmd.slice(1)];
  }

  private startChecks(): void {
    for (const [name, check] of checksOf(this.machine)) {
      this.machine.checks.set(name, {
        name,
        status: 'critical',
        output: 'not checked yet',
        updated_at: new Date().toISOString(),
      });
      const interval = Math.max(100, durationMs(check.interval, 10_000));
      const grace = durationMs(check.grace_period, 0);
      const run = () => void this.runCheck(name, check);
      this.timers.push(
        setTimeout(
          () => {
            run();
            this.timers.push(setInterval(run, interval));
          },
          Math.min(grace, interval),
        ),
      );
    }
  }

  private stopChecks(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    for (const check of this.machine.checks.values()) {
      check.status = 'critical';
      check.output = 'machine not running';
    }
  }

  private async runCheck(name: string, check: SimCheckConfig): Promise<void> {
    const port = check.port ?? internalPort(this.machine);
    const timeoutMs = durationMs(check.timeout, 2_000);
    let status: 'passing' | 'critical';
    let output: string;
    if ((check.type ?? 'http') === 'tcp') {
      ({ status, output } = await tcpCheck(this.machine.private_ip, port!, timeoutMs));
    } else {
      try {
        const response = await fetch(`http://${this.machine.private_ip}:${port}${check.path ?? '/'}`, {
          method: check.method ?? 'GET',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = await response.text();
        status = response.ok ? 'passing' : 'critical';
        output = `[${response.status}] ${body.slice(0, 200)}`;
      } catch (error) {
        status = 'critical';
        output = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      }
    }
    const current = this.machine.checks.get(name);
    if (current && this.child) Object.assign(current, { status, output, updated_at: new Date().toISOString() });
  }
}

export function internalPort(machine: SimMachine): number | undefined {
  return machine.config.services?.find((s) => s.internal_port)?.internal_port;
}

/** Fly's check names: servicecheck-00-http-8080 for a service's checks, the key for top-level ones. */
export function checksOf(machine: SimMachine): [string, SimCheckConfig][] {
  const service = (machine.config.services ?? []).flatMap((s) =>
    (s.checks ?? []).map((c, i): [string, SimCheckConfig] => [
      `servicecheck-${String(i).padStart(2, '0')}-${c.type ?? 'http'}-${c.port ?? s.internal_port}`,
      { ...c, port: c.port ?? s.internal_port },
    ]),
  );
  return [...service, ...Object.entries(machine.config.checks ?? {})];
}

function tcpCheck(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ status: 'passing' | 'critical'; output: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ status: 'passing', output: 'Success' });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ status: 'critical', output: 'timeout' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 'critical', output: error.code ?? error.message }),
    );
  });
}
