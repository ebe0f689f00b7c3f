import { TAG, type Machine } from './machine.ts';
import type { MachinesApi } from './machines-api.ts';

/**
 * Puts the old version back: the old machines into service first, then the new ones out of it and
 * destroyed, so the serving count never drops. Every machine is tried even when one call fails; the
 * failures are returned.
 */
export async function rollBack(
  api: MachinesApi,
  machines: { cordonedOld: Machine[]; created: Machine[] },
  log: (line: string) => void,
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  for (const m of machines.cordonedOld) {
    await attempt(`uncordon ${m.id}`, () => api.uncordon(m.id));
    await attempt(`untag ${m.id}`, () => api.deleteMetadata(m.id, TAG.replacedBy));
  }
  if (machines.cordonedOld.length) log(`rollback: ${machines.cordonedOld.length} old machine(s) back in service`);
  for (const m of machines.created) await attempt(`cordon ${m.id}`, () => api.cordon(m.id));
  for (const m of machines.created) {
    await attempt(`stop ${m.id}`, () => api.stop(m.id));
    await attempt(`destroy ${m.id}`, () => api.destroy(m.id));
    api.forget(m.id);
  }
  if (machines.created.length) log(`rollback: ${machines.created.length} new machine(s) destroyed`);
  return problems;
}
