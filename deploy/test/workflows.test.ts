import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNx, scratchDir } from '@shopops/testing';
import { actionlint, formatFindings } from '../src/actionlint.ts';
import { shellcheck } from '../src/shellcheck.ts';
import { documentedNames, isPinned, nxCommands, nxCommandsOf, secretsRead, usesOf } from '../src/workflow-checks.ts';
import { readWorkflows, runSteps, type WorkflowFile, type WorkflowJob } from '../src/workflow-file.ts';

/** .github/workflows linted and held to our rules: pinned actions, documented secrets, real nx targets. */
const root = resolve(import.meta.dirname, '../..');
const workflows = readWorkflows(root);
const workflow = (name: string) => workflows.find((w) => w.path.endsWith(`/${name}`))!;
const deployGuide = readFileSync(resolve(root, 'docs/DEPLOY.md'), 'utf8');
const needsOf = (job: WorkflowJob) => [job.needs ?? []].flat();
const environmentOf = (job: WorkflowJob) =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name;

describe('the checks themselves', () => {
  it('actionlint reports a broken workflow: an unknown input, an undefined matrix, untrusted input in a script', async () => {
    const broken = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: actions/setup-node@v4',
      '        with: { nodeversion: 20 }',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: echo "${{ matrix.shard }}"',
    ].join('\n');
    const messages = (await actionlint(broken, 'broken.yml')).map((f) => f.message).join('\n');
    expect(messages).toContain('input "nodeversion" is not defined');
    expect(messages).toContain('potentially untrusted');
    expect(messages).toContain('property "shard" is not defined');
  });

  it('shellcheck reports an unquoted expansion and leaves ${{ }} expressions alone', async () => {
    const findings = await shellcheck('echo ${{ runner.temp }}\nrm -rf $CACHE_DIR/old\n');
    expect(findings.map((f) => [f.code, f.line])).toEqual([['SC2086', 2]]);
  });

  it('only versions and commit SHAs count as pinned', () => {
    for (const pinned of [
      'actions/checkout@v7',
      'superfly/flyctl-actions/setup-flyctl@1.6',
      'a/b@v5.0.1',
      `a/b@${'0'.repeat(40)}`,
      './.github/actions/x',
    ])
      expect(isPinned(pinned), pinned).toBe(true);
    for (const floating of [
      'actions/checkout@main',
      'superfly/flyctl-actions/setup-flyctl@master',
      'a/b',
      'docker://alpine',
      'docker://alpine:latest',
    ])
      expect(isPinned(floating), floating).toBe(false);
  });

  it('reads the targets of nx commands, continuation lines and configurations included', () => {
    const script =
      'npx nx run api:docker-build:github --push \\\n  --latest true && nx affected -t lint,test --base=x\nnx run-many --targets=build -p a\nnpx nx format:check';
    expect(nxCommands(script).map(({ text: _, ...command }) => command)).toEqual([
      { kind: 'run', project: 'api', target: 'docker-build', configuration: 'github' },
      { kind: 'targets', targets: ['lint', 'test'] },
      { kind: 'targets', targets: ['build'] },
      { kind: 'other', subcommand: 'format:check' },
    ]);
  });
});

describe.each(workflows.map((file) => [file.path, file] as [string, WorkflowFile]))('%s', (_, file) => {
  it('passes actionlint', async () => {
    const findings = await actionlint(file.text, resolve(root, file.path));
    expect(formatFindings(file.path, findings)).toBe('');
  });

  it('passes shellcheck in every run: script, and no script interpolates ${{ }} (values come in through env:)', async () => {
    const problems: string[] = [];
    for (const step of runSteps(file)) {
      if (step.step.run!.includes('${{'))
        problems.push(`${step.label}: interpolates an expression; pass it through env:`);
      for (const f of await shellcheck(step.step.run!, step.shell))
        problems.push(`${step.label} line ${f.line}: ${f.code} ${f.message}`);
    }
    expect(problems).toEqual([]);
  });

  it('pins every uses: to a version', () => {
    expect(usesOf(file).filter(({ uses }) => !isPinned(uses))).toEqual([]);
  });

  it('reads only secrets that docs/DEPLOY.md lists under "CI/CD on GitHub Actions"', () => {
    const documented = documentedNames(deployGuide, 'CI/CD on GitHub Actions');
    const undocumented = [...secretsRead(file)].flatMap(([job, names]) =>
      [...names].filter((name) => !documented.has(name)).map((name) => `${job}: ${name}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('names only least privilege: nothing is writable at the top, and only a job that pushes images may write packages', () => {
    const top = file.workflow.permissions;
    expect(top, 'top-level permissions').toBeDefined();
    expect(Object.values(typeof top === 'object' ? top : { all: top! })).not.toContain('write');
    for (const [jobId, job] of Object.entries(file.workflow.jobs)) {
      const writes = Object.entries(typeof job.permissions === 'object' ? job.permissions : {}).filter(
        ([, v]) => v === 'write',
      );
      const pushesImages = (job.steps ?? []).some((s) => /docker-build\S* .*--push/.test(s.run ?? ''));
      expect(
        writes.map(([scope]) => scope),
        jobId,
      ).toEqual(pushesImages ? ['packages'] : []);
    }
  });
});

describe('every nx command a workflow runs names a target that exists', () => {
  it('nx run <project>:<target>[:<configuration>] and nx affected / run-many -t', async () => {
    const commands = workflows.flatMap(nxCommandsOf);
    // The project graph as `nx show project <p> --json` shows each project, for all of them in one run.
    const graphFile = join(scratchDir('workflow-graph-'), 'graph.json');
    const graphed = await runNx(['graph', `--file=${graphFile}`]);
    expect(graphed.exitCode, graphed.all).toBe(0);
    type Targets = Record<string, { configurations?: Record<string, unknown> }>;
    const { nodes } = (
      JSON.parse(readFileSync(graphFile, 'utf8')) as {
        graph: { nodes: Record<string, { data: { targets: Targets } }> };
      }
    ).graph;
    const targetsOf = (project: string) => nodes[project]?.data.targets;
    const anyProjectHas = (target: string) => Object.keys(nodes).some((project) => targetsOf(project)![target]);
    const missing: string[] = [];
    for (const { where, command } of commands) {
      if (command.kind === 'run' && !command.project.includes('$')) {
        const target = targetsOf(command.project)?.[command.target];
        if (!targetsOf(command.project)) missing.push(`${where}: no project ${command.project}`);
        else if (!target) missing.push(`${where}: ${command.project} has no target ${command.target}`);
        else if (command.configuration && !target.configurations?.[command.configuration])
          missing.push(`${where}: ${command.project}:${command.target} has no configuration ${command.configuration}`);
      }
      // A project chosen at run time (nx run "$project:migrate"): some project must have the target.
      const targets =
        command.kind === 'targets'
          ? command.targets
          : command.kind === 'run' && command.project.includes('$')
            ? [command.target]
            : [];
      for (const target of targets)
        if (!anyProjectHas(target)) missing.push(`${where}: no project has a target ${target}`);
    }
    expect(commands.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});

describe('what each workflow does', () => {
  it('ci: pull requests and main, superseded runs cancelled, affected spread over a matrix, the cache kept, reports uploaded', () => {
    const { workflow: ci } = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.on.push).toEqual({ branches: ['main'] });
    expect(ci.concurrency?.['cancel-in-progress']).toBe(true);
    const tasks = ci.jobs.tasks!;
    const run = tasks.steps!.map((s) => s.run ?? '').join('\n');
    expect(run).toMatch(/nx run-many -t lint,typecheck,test,build,docker-build --projects="\$PROJECTS"/);
    expect(run).not.toContain('--push');
    expect(run).toMatch(/apt-get install .*postgresql redis-server zstd/);
    expect(JSON.stringify(tasks)).toContain('fromJSON(needs.plan.outputs.shards)');
    expect(tasks.steps!.find((s) => s.uses?.startsWith('actions/cache@'))?.with?.path).toBe('.nx/cache');
    expect(tasks.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.path).toBe('reports/');
    const checks = ci.jobs.checks!.steps!.map((s) => s.run ?? '').join('\n');
    for (const check of [
      'nx run ops:docs --check',
      'nx format:check',
      'lint --strict',
      'npm audit --audit-level=high',
      'license-checker-rseidelsohn',
    ])
      expect(checks).toContain(check);
    expect(ci.jobs.plan!.steps!.some((s) => s.uses?.startsWith('nrwl/nx-set-shas@'))).toBe(true);
    expect(ci.jobs.plan!.steps![0]!.with?.['fetch-depth']).toBe(0);
  });

  it('deploy: images built once; staging, smoke, production behind its environment with the same digest, smoke; a rollback by dispatch', () => {
    const { workflow: deploy } = workflow('deploy.yml');
    const { build, staging, production, rollback } = deploy.jobs;
    const smokeStaging = deploy.jobs['smoke-staging']!;
    const smokeProduction = deploy.jobs['smoke-production']!;
    expect(deploy.on.push).toEqual({ tags: ['v[0-9]+.[0-9]+.[0-9]+'], branches: ['release/**'] });
    // Only the build job builds, and it pushes.
    const builds = Object.entries(deploy.jobs).filter(([, job]) => JSON.stringify(job).includes('docker-build'));
    expect(builds.map(([id]) => id)).toEqual(['build']);
    expect(build!.steps!.map((s) => s.run ?? '').join('\n')).toMatch(/nx run api:docker-build:github .*--push/);
    expect(build!.outputs!['api-image']).toBe('${{ steps.api.outputs.image }}');
    // The order of the release.
    expect(needsOf(staging!)).toEqual(['build']);
    expect(needsOf(smokeStaging)).toEqual(['build', 'staging']);
    expect(needsOf(production!)).toEqual(['build', 'smoke-staging']);
    expect(needsOf(smokeProduction)).toEqual(['production']);
    expect([staging!, smokeStaging].map(environmentOf)).toEqual(['staging', 'staging']);
    expect([production!, smokeProduction].map(environmentOf)).toEqual(['production', 'production']);
    // The digest staging passed is what production releases.
    for (const job of [staging!, production!]) {
      expect(job.env!.API_IMAGE).toBe('${{ needs.build.outputs.api-image }}');
      expect(job.steps!.map((s) => s.run ?? '').join('\n')).toContain('nx run api:fly-canary');
      expect(job.steps!.map((s) => s.run ?? '').join('\n')).toContain('imgURL=$image');
    }
    for (const job of [smokeStaging, smokeProduction])
      expect(job.steps!.map((s) => s.run ?? '').join('\n')).toMatch(/nx run api:smoke .*--junit reports\/smoke\//);
    // The rollback: by dispatch only, an image by digest.
    expect(rollback!.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(build!.if).toBe("github.event_name == 'push'");
    const inputs = (deploy.on.workflow_dispatch as { inputs: Record<string, { required?: boolean }> }).inputs;
    expect(inputs['api-image']?.required).toBe(true);
    expect(rollback!.steps![0]!.run).toContain('@sha256:[0-9a-f]{64}$');
    expect(deploy.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('backup: daily and by hand, against production, --verify --prune, the summary an artifact, a failure loud', () => {
    const { workflow: backup } = workflow('backup.yml');
    expect(Object.keys(backup.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const job = backup.jobs.backup!;
    expect(environmentOf(job)).toBe('production');
    const run = job.steps!.map((s) => s.run ?? '').join('\n');
    expect(run).toContain('node dist/libs/backup-bundle/backup.mjs backup --verify --prune --json');
    expect(run).toContain('::error title=Backup failed::');
    const upload = job.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('${{ !cancelled() }}');
    expect(upload?.with?.path).toBe('${{ runner.temp }}/backup-summary.json');
  });
});
