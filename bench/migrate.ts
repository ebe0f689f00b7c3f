/**
 * Migration benchmark (../shared/BENCHMARKS.md, "Migrations"): 300 generated migrations applied to
 * an empty database by our engine; as baselines, their up sections by `psql -f` in a loop (one psql
 * start-up per file, what a shell script does) and through ONE psql session with one transaction
 * per file (the limit: only Postgres's own work). Then `status` over 1,000 applied files (recorded
 * with `baseline`, so setting them up costs nothing). Medians of RUNS (default 3) runs, each on
 * fresh databases.
 *
 *   npx tsx bench/migrate.ts          RUNS=5 MIGRATIONS=300 ROWS=3000 STATUS_FILES=1000 to change the workload
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { baseline, status, up } from '@shopops/migrate';
import { startPostgres } from '@shopops/local-servers';

const runs = Number(process.env.RUNS ?? 3);
const count = Number(process.env.MIGRATIONS ?? 300);
const rows = Number(process.env.ROWS ?? 3000);
const statusFiles = Number(process.env.STATUS_FILES ?? 1000);

function upSql(i: number): string {
  const t = `bench_${i}`;
  return [
    `create table ${t} (id bigint primary key, label text not null, amount integer not null);`,
    `insert into ${t} select g, 'row ' || g, g % 1000 from generate_series(1, ${rows}) g;`,
    `create index ${t}_amount_idx on ${t} (amount);`,
    `alter table ${t} add column note text;`,
  ].join('\n');
}

/**
 * The migrations folder for our engine, one plain SQL file per migration for the psql loop, and
 * one script of them all, each in BEGIN … COMMIT as our engine runs it, for the single session.
 */
function writeWorkload(root: string): { dir: string; sqlFiles: string[]; oneSession: string } {
  const dir = join(root, 'migrations');
  const plain = join(root, 'plain');
  mkdirSync(dir);
  mkdirSync(plain);
  const sqlFiles: string[] = [];
  const script: string[] = [];
  for (let i = 1; i <= count; i++) {
    const version = `2026010100${String(i).padStart(4, '0')}`;
    writeFileSync(
      join(dir, `${version}_bench_${i}.sql`),
      `-- migrate:up\n${upSql(i)}\n\n-- migrate:down\ndrop table bench_${i};\n`,
    );
    const file = join(plain, `${version}.sql`);
    writeFileSync(file, upSql(i) + '\n');
    sqlFiles.push(file);
    script.push(`BEGIN;\n${upSql(i)}\nCOMMIT;\n`);
  }
  const oneSession = join(root, 'one-session.sql');
  writeFileSync(oneSession, script.join(''));
  return { dir, sqlFiles, oneSession };
}

/** `statusFiles` small migrations: status reads every file and the whole history table. */
function writeStatusWorkload(root: string): { dir: string; newest: string } {
  const dir = join(root, 'status-migrations');
  mkdirSync(dir);
  let newest = '';
  for (let i = 1; i <= statusFiles; i++) {
    newest = `2026010100${String(i).padStart(4, '0')}`;
    writeFileSync(
      join(dir, `${newest}_status_${i}.sql`),
      `-- migrate:up\n${upSql(i)}\n\n-- migrate:down\ndrop table bench_${i};\n`,
    );
  }
  return { dir, newest };
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
    const { dir, sqlFiles, oneSession } = writeWorkload(root);
    const psql = join(server.binDir, 'psql');
    const psqlArgs = (url: string, file: string) => ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file];
    const ours: number[] = [];
    const loop: number[] = [];
    const limit: number[] = [];
    const contenders: [number[], (url: string) => Promise<unknown>][] = [
      [
        loop,
        async (url) => {
          for (const file of sqlFiles) await execa(psql, psqlArgs(url, file));
        },
      ],
      [limit, (url) => execa(psql, psqlArgs(url, oneSession))],
      [ours, (url) => up({ url, dir })],
    ];
    for (let run = 1; run <= runs; run++) {
      // Each run starts with another contender, so checkpoints and a warming cache favour none of them.
      for (let i = 0; i < contenders.length; i++) {
        const [times, apply] = contenders[(run - 1 + i) % contenders.length]!;
        const url = await server.createDatabase();
        times.push(await timed(() => apply(url)));
      }
      console.error(
        `run ${run}/${runs}: ours ${seconds(ours.at(-1)!)}, psql loop ${seconds(loop.at(-1)!)}, one psql session ${seconds(limit.at(-1)!)}`,
      );
    }
    console.log(
      `migrate up, ${count} files x ${rows} rows: ours ${seconds(median(ours))}, psql -f loop ${seconds(median(loop))}, one psql session ${seconds(median(limit))} (median of ${runs})`,
    );
    const ratio = median(ours) / median(loop);
    console.log(`ratio ours/psql loop: ${ratio.toFixed(2)} (goal <= 1.30) ${ratio <= 1.3 ? 'ok' : 'MISSED'}`);
    const ratioLimit = median(ours) / median(limit);
    console.log(
      `ratio ours/one psql session (the limit): ${ratioLimit.toFixed(2)} (goal <= 1.15) ${ratioLimit <= 1.15 ? 'ok' : 'MISSED'}`,
    );

    const statusWorkload = writeStatusWorkload(root);
    const statusUrl = await server.createDatabase();
    await baseline({ url: statusUrl, dir: statusWorkload.dir, version: statusWorkload.newest });
    const statusTimes: number[] = [];
    for (let i = 0; i < 5 * runs; i++) {
      const took = await timed(async () => {
        const result = await status({ url: statusUrl, dir: statusWorkload.dir });
        if (result.applied.length !== statusFiles) throw new Error(`status saw ${result.applied.length} applied`);
      });
      statusTimes.push(took);
    }
    const statusMs = median(statusTimes);
    console.log(
      `status, ${statusFiles} applied files: ${statusMs.toFixed(0)} ms (median of ${statusTimes.length}; goal <= 100 ms) ${statusMs <= 100 ? 'ok' : 'MISSED'}`,
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
