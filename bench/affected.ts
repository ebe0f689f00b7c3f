/**
 * bench/affected (../shared/BENCHMARKS.md, issue 14): what `nx affected` saves on this workspace. In a
 * copy of it (a git repository of its own, its own empty Nx cache, so this checkout's cache is neither
 * used nor disturbed): `nx run-many -t test` cold; then, after a commit that changes apps/web only,
 * `nx affected -t test --base=HEAD~1`; then the same command again with nothing changed. Prints the three
 * times, the tasks each ran (and how many came from the cache), and the ratios.
 * Goals: the web-only change runs no api task and takes <= 0.4x the cold run; the re-run <= 0.1x.
 *
 *   npx tsx bench/affected.ts
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { copyWorkspace, nxEnv } from '@shopops/testing';

interface Run {
  seconds: number;
  tasks: string[];
  cached: number;
  failed: string[];
}

/** One nx command in the copy; a failing task is reported with the figures, not a reason to stop. */
async function timedNx(root: string, env: Record<string, string>, args: string[]): Promise<Run> {
  const start = performance.now();
  const result = await execa('npx', ['nx', ...args, '--output-style=static'], {
    cwd: root,
    env,
    all: true,
    reject: false,
  });
  const seconds = (performance.now() - start) / 1000;
  const output = stripVTControlCharacters(result.all ?? '');
  const tasks = [...new Set([...output.matchAll(/^> nx run (\S+)/gm)].map((m) => m[1]!))];
  const cached = [...output.matchAll(/^> nx run \S+.*\[(local cache|existing outputs match the cache)/gm)].length;
  const failed = [...(/Failed tasks:\n([\s\S]*?)\n\n/.exec(output)?.[1] ?? '').matchAll(/- (\S+)/g)].map((m) => m[1]!);
  return { seconds, tasks, cached, failed };
}

const copy = await copyWorkspace('bench-affected-');
// The copy's own cache and workspace data: cold means cold, and nothing here reaches this checkout's.
const env = nxEnv({ NX_CACHE_DIRECTORY: join(copy.root, '.nx-bench-cache') });

console.log(`bench/affected: a copy of this workspace in ${copy.root}, its own empty Nx cache, no daemon`);
const cold = await timedNx(copy.root, env, ['run-many', '-t', 'test']);

appendFileSync(join(copy.root, 'apps/web/src/config.ts'), '\n// a web-only change for bench/affected\n');
await copy.commitAll('a web-only change');
const affectedArgs = ['affected', '-t', 'test', '--base=HEAD~1', '--head=HEAD'];
const webOnly = await timedNx(copy.root, env, affectedArgs);
const rerun = await timedNx(copy.root, env, affectedArgs);

const line = (label: string, run: Run) =>
  `  ${label.padEnd(42)} ${run.seconds.toFixed(1).padStart(7)} s  ${String(run.tasks.length).padStart(2)} tasks, ${run.cached} from the cache${run.failed.length ? `, failed: ${run.failed.join(' ')}` : ''}`;
console.log(line('nx run-many -t test (cold)', cold));
console.log(line('nx affected -t test, web-only change', webOnly));
console.log(line('nx affected -t test, re-run, nothing changed', rerun));
console.log(`  tasks of the web-only change: ${webOnly.tasks.join(' ')}`);
const apiTasks = webOnly.tasks.filter((id) => id.startsWith('api:'));
console.log(`  api tasks in the web-only change: ${apiTasks.length ? apiTasks.join(' ') : 'none'} (goal: none)`);
console.log(`  web-only / cold  ${(webOnly.seconds / cold.seconds).toFixed(3)}x  goal <= 0.4x`);
console.log(`  re-run / cold    ${(rerun.seconds / cold.seconds).toFixed(3)}x  goal <= 0.1x`);
