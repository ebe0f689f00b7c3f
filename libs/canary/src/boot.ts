import { CanaryError } from './errors.ts';
import { checkpoint, pause } from './interrupt.ts';
import type { Machine } from './machine.ts';
import type { MachinesApi } from './machines-api.ts';

/**
 * Waits for `state` through /wait (Fly answers 408 when its own timeout passes first: asked again, up to the
 * deadline); each call is short so Ctrl-C is noticed.
 */
export async function waitForState(
  api: MachinesApi,
  machine: Machine,
  state: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (;;) {
    checkpoint(signal);
    const left = deadline - Date.now();
    if (left <= 0) {
      const now = await api.get(machine.id).catch(() => undefined);
      throw new CanaryError(
        `machine ${machine.id} did not reach ${state} in time (it is ${now?.state ?? 'unknown'})`,
        'look at `fly logs -i <machine>`; raise --wait-timeout if it only boots slowly',
      );
    }
    if (await api.wait(machine.id, state, Math.min(10, Math.ceil(left / 1000)), machine.instance_id)) return;
  }
}

/** Polls the machine until every Fly check passes; a critical check past the deadline fails with its output. */
export async function waitForChecks(
  api: MachinesApi,
  id: string,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<Machine> {
  for (;;) {
    const machine = await api.get(id);
    const checks = machine.checks ?? [];
    if (checks.every((check) => check.status === 'passing')) return machine;
    if (Date.now() >= deadline) {
      const failing = checks.filter((c) => c.status !== 'passing');
      throw new CanaryError(
        `machine ${id}: checks not passing in time: ${failing.map((c) => `${c.name} ${c.status}${c.output ? ` (${c.output.slice(0, 120)})` : ''}`).join(', ')}`,
        'the new image does not become healthy; look at `fly logs -i <machine>`',
      );
    }
    await pause(500, signal);
  }
}
