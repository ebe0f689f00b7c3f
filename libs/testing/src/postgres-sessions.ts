import pg from 'pg';

export interface SessionSampler {
  /** Stops sampling; the most client sessions seen at once. */
  stop(): Promise<number>;
}

/**
 * Counts the client sessions a PostgreSQL server holds (pg_stat_activity, this sampler's own excluded), over
 * and over until stopped: how many connections a load really opened, for tests and benchmarks.
 */
export function sampleClientSessions(url: string, pauseMs = 5): SessionSampler {
  const client = new pg.Client({ connectionString: url, application_name: 'session-sampler' });
  let running = true;
  let max = 0;
  const loop = (async () => {
    await client.connect();
    try {
      while (running) {
        const { rows } = await client.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
        );
        max = Math.max(max, rows[0]!.n);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return max;
    },
  };
}
