import { CanaryError, EXIT } from './errors.ts';
import { FlyApiError, type MachinesApi } from './machines-api.ts';
import { pause } from './interrupt.ts';

export const leaseDescription = (deployment: string) => `fly-canary ${deployment}`;

/**
 * Leases every machine for this release. A 409 is another deploy holding the machine: the release stops
 * before changing anything, unless the holder is `expiredOwner`, an interrupted release this run cleans
 * up, whose lease is no longer renewed and is waited out.
 */
export async function acquireLeases(
  api: MachinesApi,
  ids: readonly string[],
  options: {
    ttlSeconds: number;
    deployment: string;
    expiredOwners?: string[];
    /** Machines an interrupted release created: whoever leases them is that dead release. */
    createdByExpired?: string[];
    log: (line: string) => void;
    signal?: AbortSignal;
  },
): Promise<void> {
  for (const id of ids) {
    for (;;) {
      try {
        await api.lease(id, options.ttlSeconds, leaseDescription(options.deployment));
        break;
      } catch (error) {
        if (!(error instanceof FlyApiError && error.status === 409)) throw error;
        const held = await api.getLease(id);
        const expired =
          options.createdByExpired?.includes(id) ||
          options.expiredOwners?.some((owner) => held?.description === leaseDescription(owner));
        if (held && expired) {
          const waitMs = Math.max(250, held.expires_at * 1000 - Date.now() + 250);
          options.log(
            `machine ${id}: waiting ${Math.ceil(waitMs / 1000)} s for the lease of the interrupted release to expire`,
          );
          await pause(Math.min(waitMs, options.ttlSeconds * 1000 + 1000), options.signal);
          continue;
        }
        throw new CanaryError(
          `machine ${id} is leased by ${held ? `${held.owner || 'someone'} (${held.description || 'no description'}) until ${new Date(held.expires_at * 1000).toISOString()}` : 'another deploy'}: another deploy is running`,
          'wait for it to finish (fly machine leases view), or release its lease with `fly machine leases clear` if it died',
          EXIT.leaseHeld,
        );
      }
    }
  }
}

/** Renews every lease this client holds at a third of its lifetime, until stopped. */
export function renewLeases(
  api: MachinesApi,
  ttlSeconds: number,
  deployment: string,
  log: (line: string) => void,
): () => void {
  const timer = setInterval(
    () => {
      for (const id of api.leased())
        api.lease(id, ttlSeconds, leaseDescription(deployment)).catch((error: Error) => {
          if (!(error instanceof FlyApiError && error.status === 404))
            log(`machine ${id}: lease not renewed: ${error.message}`);
        });
    },
    Math.max(1000, (ttlSeconds * 1000) / 3),
  );
  timer.unref();
  return () => clearInterval(timer);
}

export async function releaseLeases(api: MachinesApi): Promise<void> {
  await Promise.all(api.leased().map((id) => api.releaseLease(id).catch(() => undefined)));
}
