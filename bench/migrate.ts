/**
 * Migration benchmark (../shared/BENCHMARKS.md, "Migrations"): 300 generated migrations applied to
 * an empty database by our engine and, as the baseline, their up sections by `psql -f` in a loop;
 * then `status` over the 300 applied files. Medians of RUNS (default 3) runs, each on fresh databases.
 *
 *   npx tsx bench/migrate.ts          RUNS=5 MIGRATIONS=300 ROWS=3000 to change the workload
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { status, up } from '@shopops/migrate';
import { startPostgres } from '@shopops/local-servers';

const runs = Number(process.env.RUNS ?? 3);
const count = Number(process.env.MIGRATIONS ?? 300);
const rows = Number(process.env.ROWS ?? 3000);

function upSql(i: number): string {
  const t = `bench_${i}`;
  return [
    `create table ${t} (id bigint primary key, label text not null, amount integer not null);`,
    `insert into ${t} select g, 'row ' || g, g % 1000 from generate_series(1, ${rows}) g;`,
    `create index ${t}_amount_idx on ${t} (amount);`,
    `alter table ${t} add column note text;`,
  ].join('\n');
}

/** The migrations folder for our engine and one plain SQL file per migration for psql. */
function writeWorkload(root: string): { dir: string; sqlFiles: string[] } {
  const dir = join(root, 'migrations');
  const plain = join(root, 'plain');
  mkdirSync(dir);
  mkdirSync(plain);
  const sqlFiles: string[] = [];
  for (let i = 1; i <= count; i++) {
    const version = `2026010100${String(i).padStart(4, '0')}`;
    writeFileSync(
      join(dir, `${version}_bench_${i}.sql`),
      `-- migrate:up\n${upSql(i)}\n\n-- migrate:down\ndrop table bench_${i};\n`,
    );
    const file = join(plain, `${version}.sql`);
    writeFileSync(file, upSql(i) + '\n');
    sqlFiles.push(file);
  }
  return { dir, sqlFiles };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-migrate-'));
  const server = await startPostgres();
  try {
    const { dir, sqlFiles } = writeWorkload(root);
    const psql = join(server.binDir, 'psql');
    const ours: number[] = [];
    const baseline: number[] = [];
    const statusTimes: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const psqlUrl = await server.createDatabase();
      baseline.push(
        await timed(async () => {
          for (const file of sqlFiles)
            await execa(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', psqlUrl, '-f', file]);
        }),
      );
      const url = await server.createDatabase();
      ours.push(await timed(() => up({ url, dir })));
      for (let i = 0; i < 5; i++) statusTimes.push(await timed(() => status({ url, dir })));
      console.error(`run ${run}/${runs}: ours ${seconds(ours.at(-1)!)}, psql loop ${seconds(baseline.at(-1)!)}`);
    }
    const ratio = median(ours) / median(baseline);
    console.log(
      `migrate up, ${count} files x ${rows} rows: ours ${seconds(median(ours))}, psql -f loop ${seconds(median(baseline))} (median of ${runs})`,
    );
    console.log(`ratio ours/psql: ${ratio.toFixed(2)} (goal <= 1.30) ${ratio <= 1.3 ? 'ok' : 'MISSED'}`);
    const statusMs = median(statusTimes);
    console.log(
      `status, ${count} applied files: ${statusMs.toFixed(0)} ms (median of ${statusTimes.length}; goal < 300 ms) ${statusMs < 300 ? 'ok' : 'MISSED'}`,
    );
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bench/migrate: ${error.message}`);
  process.exitCode = 1;
});
