import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace, nxEnv, scratchDir, type WorkspaceCopy } from '@shopops/testing';
import { runStep } from '../src/run-step.ts';
import { readWorkflows, stepNamed } from '../src/workflow-file.ts';

/**
 * What `nx affected -t test,docker-build` (ci.yml's task list, narrowed to the two that matter here)
 * would run after one commit, in a copy of this workspace: one branch per kind of change, each from the
 * same base commit, the task graph read from `--graph=<file>.json` (nothing is run).
 */
const ciWorkflow = readWorkflows(resolve(import.meta.dirname, '../..')).find((w) => w.path.endsWith('/ci.yml'))!;
let copy: WorkspaceCopy;
let base: string;
const graphs = scratchDir('affected-graphs-');

async function tasksAfter(branch: string, change: (root: string) => void): Promise<string[]> {
  await copy.git(['checkout', '--quiet', '-B', branch, base]);
  change(copy.root);
  await copy.commitAll(branch);
  const file = join(graphs, `${branch}.json`);
  const result = await execa(
    'npx',
    ['nx', 'affected', '-t', 'test,docker-build', '--base=HEAD~1', '--head=HEAD', `--graph=${file}`],
    { cwd: copy.root, env: nxEnv(), reject: false, all: true },
  );
  expect(result.exitCode, stripVTControlCharacters(result.all ?? '')).toBe(0);
  const { tasks } = JSON.parse(readFileSync(file, 'utf8')) as { tasks: { tasks: Record<string, unknown> } };
  return Object.keys(tasks.tasks)
    .filter((id) => /:(test|docker-build)$/.test(id))
    .sort();
}

const touch = (root: string, path: string) => appendFileSync(join(root, path), '\n// touched by the affected test\n');
const ofProject = (tasks: string[], project: string) => tasks.filter((id) => id.startsWith(`${project}:`));

describe('nx affected -t test,docker-build after one commit', () => {
  beforeAll(async () => {
    copy = await copyWorkspace('affected-');
    base = await copy.git(['rev-parse', 'HEAD']);
  }, 300_000);

  it('a change to apps/web only: the storefront and its end-to-end test, nothing of the API', async () => {
    const tasks = await tasksAfter('web-only', (root) => touch(root, 'apps/web/src/config.ts'));
    expect(tasks).toEqual(expect.arrayContaining(['web:docker-build', 'web:test', 'web-e2e:test']));
    expect(ofProject(tasks, 'api')).toEqual([]);
  });

  it('a change to libs/config: the API and the storefront end-to-end test that runs it; the storefront image does not read it', async () => {
    const tasks = await tasksAfter('config', (root) => touch(root, 'libs/config/src/schema.ts'));
    expect(tasks).toEqual(expect.arrayContaining(['api:docker-build', 'api:test', 'config:test', 'web-e2e:test']));
    expect(ofProject(tasks, 'web')).toEqual([]);
  });

  it('a new migration: the API (and the end-to-end test that applies every migration), not the storefront; ci.yml lints just that file', async () => {
    const migration = 'apps/api/migrations/29991231000000_touch_products.sql';
    const tasks = await tasksAfter('migration', (root) =>
      writeFileSync(
        join(root, migration),
        '-- migrate:up\ncreate index products_touch on products (created_at);\n\n-- migrate:down\ndrop index products_touch;\n',
      ),
    );
    expect(tasks).toEqual(expect.arrayContaining(['api:docker-build', 'api:test', 'web-e2e:test']));
    expect(ofProject(tasks, 'web')).toEqual([]);

    // ci.yml's step on this commit: the one added file, linted --strict, fails on its blocking index.
    const lint = await runStep(
      stepNamed(ciWorkflow, 'checks', 'migrate lint --strict on the migrations this change adds'),
      copy.root,
      {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        ...nxEnv(),
        NX_BASE: 'HEAD~1',
        NX_HEAD: 'HEAD',
      },
    );
    const output = stripVTControlCharacters(lint.stdout + lint.stderr);
    expect(lint.exitCode, output).not.toBe(0);
    expect(output).toContain('api: 29991231000000_touch_products.sql');
    expect(output).toMatch(/29991231000000_touch_products\.sql.*concurrently/is);
    expect(output).toContain('1 error');
  });

  it('a change to the plugin’s migrate executor: every project with a migrate target', async () => {
    const tasks = await tasksAfter('migrate-executor', (root) => touch(root, 'tools/executors/migrate/executor.ts'));
    const graph = JSON.parse(readFileSync(join(graphs, 'migrate-executor.json'), 'utf8')) as {
      graph: { nodes: Record<string, { data: { targets: Record<string, { executor?: string }> } }> };
    };
    const withMigrate = Object.entries(graph.graph.nodes)
      .filter(([, node]) => Object.values(node.data.targets).some((t) => t.executor === '@shopops/ops:migrate'))
      .map(([name]) => name);
    expect(withMigrate).toContain('api');
    for (const project of withMigrate) {
      const targets = graph.graph.nodes[project]!.data.targets;
      for (const target of ['test', 'docker-build'].filter((t) => targets[t]))
        expect(tasks).toContain(`${project}:${target}`);
    }
    expect(tasks).toContain('ops:test');
  });

  it('a README-only change: nothing', async () => {
    const tasks = await tasksAfter('readme', (root) => appendFileSync(join(root, 'README.md'), '\nA sentence more.\n'));
    expect(tasks).toEqual([]);
  });
});
