/**
 * Project-graph and cache benchmark (../shared/BENCHMARKS.md): what @shopops/ops adds to `nx show
 * projects` (graph creation, project-graph cache off) on this workspace and on a generated one of
 * PROJECTS projects with migrations/ and a Dockerfile each, plugin registered vs not, plus the time
 * Nx itself reports for our createNodes; then `nx run-many -t lint,typecheck,test` cold (empty cache)
 * against an immediate re-run. Medians of RUNS runs.
 *
 *   npx tsx bench/graph.ts       RUNS=5 PROJECTS=200; RUN_MANY=0 skips the (slow: every test) second part
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { createFreshWorkspace, nxEnv, packPublishedPackages, scratchDir } from '@shopops/testing';

const runs = Number(process.env.RUNS ?? 5);
const projectCount = Number(process.env.PROJECTS ?? 200);
const runMany = process.env.RUN_MANY !== '0';
const workspaceRoot = resolve(import.meta.dirname, '..');
const PLUGIN = '@shopops/ops';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

interface GraphRun {
  wallMs: number;
  /** What Nx's perf log says our createNodes took (0 when the plugin is not registered). */
  createNodesMs: number;
}

/** One `nx show projects` with a cold project graph: every plugin's createNodes runs. */
async function showProjects(root: string): Promise<GraphRun> {
  const env = { ...nxEnv(), NX_CACHE_PROJECT_GRAPH: 'false', NX_PERF_LOGGING: 'true' };
  const start = performance.now();
  const result = await execa('npx', ['nx', 'show', 'projects'], { cwd: root, env, all: true });
  const wallMs = performance.now() - start;
  const timing = new RegExp(`Time taken for '${PLUGIN}:createNodes' ([\\d.]+)ms`).exec(result.all ?? '');
  return { wallMs, createNodesMs: timing ? Number(timing[1]) : 0 };
}

/** nx.json of `root` with or without our plugin in `plugins`. */
function registerPlugin(root: string, registered: boolean, options: object): void {
  const path = join(root, 'nx.json');
  const nxJson = JSON.parse(readFileSync(path, 'utf8')) as {
    plugins?: (string | { plugin: string; options?: object })[];
  };
  const others = (nxJson.plugins ?? []).filter(
    (entry) => (typeof entry === 'string' ? entry : entry.plugin) !== PLUGIN,
  );
  nxJson.plugins = registered ? [...others, { plugin: PLUGIN, options }] : others;
  writeFileSync(path, JSON.stringify(nxJson, null, 2));
}

async function comparePlugin(label: string, root: string, options: object): Promise<void> {
  const withPlugin: GraphRun[] = [];
  const without: GraphRun[] = [];
  await showProjects(root); // warm the OS caches and npx
  for (let i = 0; i < runs; i++) {
    registerPlugin(root, true, options);
    withPlugin.push(await showProjects(root));
    registerPlugin(root, false, options);
    without.push(await showProjects(root));
  }
  registerPlugin(root, true, options);
  const wallWith = median(withPlugin.map((r) => r.wallMs));
  const wallWithout = median(without.map((r) => r.wallMs));
  const createNodes = median(withPlugin.map((r) => r.createNodesMs));
  console.log(`${label}:`);
  console.log(`  nx show projects without ${PLUGIN}  ${ms(wallWithout)}`);
  console.log(
    `  nx show projects with ${PLUGIN}     ${ms(wallWith)}  (+${ms(wallWith - wallWithout)}, ${(wallWith / wallWithout).toFixed(2)}x; includes starting the plugin's worker)`,
  );
  console.log(`  ${PLUGIN} createNodes (Nx perf log)     ${ms(createNodes)}  goal <= 50 ms for 200 projects`);
}

/**
 * A copy of this workspace's graph inputs (tracked files) beside its node_modules, so the bench can
 * change nx.json without touching the checkout.
 */
async function mirrorOfThisWorkspace(): Promise<string> {
  const root = scratchDir('bench-graph-mirror-');
  const { stdout } = await execa('git', ['ls-files'], { cwd: workspaceRoot });
  for (const file of stdout.split('\n')) {
    mkdirSync(join(root, dirname(file)), { recursive: true });
    cpSync(join(workspaceRoot, file), join(root, file));
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

/** A new workspace with the packed plugin and `count` projects, each with migrations/ and a Dockerfile. */
async function generatedWorkspace(count: number): Promise<string> {
  const tarballs = await packPublishedPackages();
  const workspace = await createFreshWorkspace(tarballs);
  const installed = await workspace.run('npm', ['install', '--save-dev', tarballs[PLUGIN]]);
  if (installed.exitCode !== 0) throw new Error(`installing the plugin failed:\n${installed.all}`);
  for (let i = 1; i <= count; i++) {
    const project = join(workspace.root, 'apps', `p${String(i).padStart(3, '0')}`);
    mkdirSync(join(project, 'migrations'), { recursive: true });
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: `p${i}` }));
    for (let m = 1; m <= 3; m++) {
      writeFileSync(
        join(project, 'migrations', `2026010100000${m}_m${m}.sql`),
        '-- migrate:up\nselect 1;\n-- migrate:down\nselect 1;\n',
      );
    }
    writeFileSync(join(project, 'Dockerfile'), 'FROM node:22-bookworm-slim\nUSER node\nHEALTHCHECK CMD true\n');
  }
  return workspace.root;
}

async function timedRunMany(env: Record<string, string>): Promise<{ ms: number; tasks: string }> {
  const start = performance.now();
  const result = await execa(
    'npx',
    ['nx', 'run-many', '-t', 'lint,typecheck,test', '--exclude', 'docker', '--output-style=static'],
    { cwd: workspaceRoot, env, all: true, reject: false },
  );
  const elapsed = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`nx run-many failed:\n${(result.all ?? '').slice(-3000)}`);
  const cache = /Cache:\s+(\d+\/\d+ hit[^\n]*)/.exec(result.all ?? '')?.[1] ?? '?';
  return { ms: elapsed, tasks: cache };
}

async function compareCache(): Promise<void> {
  // An empty cache of its own: the cold run computes every task, the re-run may replay them all.
  const env = { ...nxEnv(), NX_CACHE_DIRECTORY: scratchDir('bench-graph-cache-') };
  const cold = await timedRunMany(env);
  const warm = await timedRunMany(env);
  console.log(
    'nx run-many -t lint,typecheck,test (docker excluded: its test runs on the Docker engine and is never cached):',
  );
  console.log(`  cold (empty cache)  ${(cold.ms / 1000).toFixed(1)} s  cache ${cold.tasks}`);
  console.log(`  immediate re-run    ${(warm.ms / 1000).toFixed(1)} s  cache ${warm.tasks}`);
  console.log(`  ratio               ${(warm.ms / cold.ms).toFixed(3)}x  goal <= 0.1x`);
}

console.log(`bench/graph: medians of ${runs} runs, project-graph cache off, no daemon`);
await comparePlugin('this workspace (the plugin from source)', await mirrorOfThisWorkspace(), {
  dockerBuildInputs: ['{workspaceRoot}/docker/**/*'],
});
await comparePlugin(
  `generated workspace, ${projectCount} projects with migrations/ and a Dockerfile (the packed plugin)`,
  await generatedWorkspace(projectCount),
  {},
);
if (runMany) await compareCache();
