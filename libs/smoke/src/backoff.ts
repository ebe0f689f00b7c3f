const MAX_DELAY_MS = 5_000;

/** Exponential backoff: retryDelay, twice that, four times… never more than 5 s between attempts. */
export function retryDelayMs(firstDelayMs: number, attempt: number): number {
  return Math.min(firstDelayMs * 2 ** (attempt - 1), MAX_DELAY_MS);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
