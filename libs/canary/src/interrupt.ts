/** Thrown at the next checkpoint after Ctrl-C (or SIGTERM): the release stops and rolls back. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor() {
    super('interrupted (Ctrl-C)');
  }
}

export function checkpoint(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted();
}

/** An abortable sleep that ends in Interrupted rather than an AbortError. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  checkpoint(signal);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(new Interrupted());
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
