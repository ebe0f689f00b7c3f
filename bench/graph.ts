/**
 * Project-graph and cache benchmark (../shared/BENCHMARKS.md): what @shopops/ops adds to `nx show
 * projects` (graph creation, project-graph cache off) on this workspace and on a generated one of
 * PROJECTS projects with migrations/ and a Dockerfile each, plugin registered vs not, and our
 * createNodes alone on the files Nx passes it; then `nx run-many -t lint,typecheck,test` cold (empty cache)
 * against an immediate re-run. Medians of RUNS runs.
 *
 *   npx tsx bench/graph.ts       RUNS=5 PROJECTS=200; RUN_MANY=0 skips the (slow: every test) second part
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { copyWorkspace, createFreshWorkspace, nxEnv, packPublishedPackages, scratchDir } from '@shopops/testing';

const runs = Number(process.env.RUNS ?? 5);
const projectCount = Number(process.env.PROJECTS ?? 200);
const runMany = process.env.RUN_MANY !== '0';
const workspaceRoot = resolve(import.meta.dirname, '..');
const PLUGIN = '@shopops/ops';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** One `nx show projects` with a cold project graph: every plugin's createNodes runs. */
async function showProjects(root: string, isolated: boolean): Promise<number> {
  const env = { ...nxEnv(), NX_CACHE_PROJECT_GRAPH: 'false', NX_ISOLATE_PLUGINS: String(isolated) };
  const start = performance.now();
  await execa('npx', ['nx', 'show', 'projects'], { cwd: root, env });
  return performance.now() - start;
}

/** Files the plugin's pattern `{**\/migrations/*.sql,**\/Dockerfile}` matches, as Nx hands them over. */
function matchedFiles(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory())
      return ['node_modules', '.git', '.nx', 'dist'].includes(entry.name) ? [] : matchedFiles(root, path);
    return entry.name === 'Dockerfile' || /(^|\/)migrations\/[^/]+\.sql$/.test(path) ? [path] : [];
  });
}

/**
 * Our createNodes alone, called as Nx calls it, on the files Nx would pass: the part of graph creation
 * that is ours. (Nx's perf log names it only sometimes, as its plugin workers exit before flushing.)
 */
async function createNodesTime(
  root: string,
  pluginEntry: string,
  options: object,
): Promise<{ ms: number; files: number }> {
  const { createNodes } = (await import(pathToFileURL(pluginEntry).href)) as typeof import('../tools/src/index.ts');
  const files = matchedFiles(root);
  const nxJsonConfiguration = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
  const call = () => createNodes[1](files, options, { workspaceRoot: root, nxJsonConfiguration });
  await call(); // first call pays for module loading, as a worker's start does
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return { ms: median(times), files: files.length };
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

async function comparePlugin(label: string, root: string, pluginEntry: string, options: object): Promise<void> {
  console.log(`${label}:`);
  // Isolated (Nx's default) starts one worker process per plugin; in-process shows our own cost.
  for (const isolated of [true, false]) {
    const withPlugin: number[] = [];
    const without: number[] = [];
    await showProjects(root, isolated); // warm the OS caches and npx
    for (let i = 0; i < runs; i++) {
      registerPlugin(root, true, options);
      withPlugin.push(await showProjects(root, isolated));
      registerPlugin(root, false, options);
      without.push(await showProjects(root, isolated));
    }
    registerPlugin(root, true, options);
    const [wallWith, wallWithout] = [median(withPlugin), median(without)];
    const mode = isolated ? 'plugins isolated (default)' : 'plugins in-process';
    const added = `+${ms(wallWith - wallWithout)}, ${(wallWith / wallWithout).toFixed(2)}x`;
    console.log(`  nx show projects, ${mode}: without ${ms(wallWithout)}, with ${PLUGIN} ${ms(wallWith)} (${added})`);
  }
  const createNodes = await createNodesTime(root, pluginEntry, options);
  const files = `${createNodes.files} matched files`;
  console.log(
    `  ${PLUGIN} createNodes alone: ${createNodes.ms.toFixed(1)} ms for ${files} (goal <= 50 ms for 200 projects)`,
  );
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
await comparePlugin(
  'this workspace (the plugin from source)',
  // A copy beside this checkout's packages, so the bench can change nx.json without touching the checkout.
  (await copyWorkspace('bench-graph-mirror-')).root,
  join(workspaceRoot, 'tools/src/index.ts'),
  { dockerBuildInputs: ['{workspaceRoot}/docker/**/*'] },
);
const generated = await generatedWorkspace(projectCount);
await comparePlugin(
  `generated workspace, ${projectCount} projects with migrations/ and a Dockerfile (the packed plugin)`,
  generated,
  join(generated, 'node_modules/@shopops/ops/src/index.js'),
  {},
);
if (runMany) await compareCache();
