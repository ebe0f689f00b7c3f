/** A steady load through the app's proxy: `concurrency` loops of GET requests, every answer counted. */
export interface Load {
  /** Stops the loops; resolves with what they saw. */
  stop(): Promise<LoadResult>;
  /** What was seen so far. */
  snapshot(): LoadResult;
}

export interface LoadResult {
  total: number;
  /** 5xx answers and connection failures. */
  failed: number;
  /** Failures with the time they happened (ms since epoch), for the benchmark. */
  failures: { at: number; what: string }[];
}

export function startLoad(
  baseUrl: string,
  options: { concurrency?: number; paths?: string[]; pauseMs?: number } = {},
): Load {
  const paths = options.paths ?? ['/products', '/products/MUG-001'];
  const result: LoadResult = { total: 0, failed: 0, failures: [] };
  let running = true;
  const loop = async (offset: number) => {
    for (let i = offset; running; i++) {
      const path = paths[i % paths.length]!;
      try {
        const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        result.total++;
        if (response.status >= 500) {
          result.failed++;
          result.failures.push({ at: Date.now(), what: `${path}: ${response.status}` });
        }
      } catch (error) {
        result.total++;
        result.failed++;
        result.failures.push({ at: Date.now(), what: `${path}: ${(error as Error).message}` });
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  const loops = Array.from({ length: options.concurrency ?? 4 }, (_, i) => loop(i));
  return {
    snapshot: () => ({ ...result, failures: [...result.failures] }),
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

/** Which build answers through the proxy, asked `times` times: version → count. */
export async function versionsAnswering(proxyUrl: string, times: number): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${proxyUrl}/version`);
    const { version } = (await response.json()) as { version: string };
    seen[version] = (seen[version] ?? 0) + 1;
  }
  return seen;
}
