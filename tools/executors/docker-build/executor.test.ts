import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import dockerBuildExecutor from './executor.ts';
import { installFakeEngines, type FakeEngines } from './fake-engine.ts';

const dockerfile = `ARG NODE_IMAGE=node:22-bookworm-slim
FROM \${NODE_IMAGE} AS build
RUN echo build
FROM \${NODE_IMAGE}
USER app
HEALTHCHECK CMD ["node", "-e", "0"]
`;
const created = '2026-11-23T12:00:00.000Z';

describe('docker-build executor: exact command lines (fake docker/podman on PATH)', () => {
  let root: string;
  let fake: FakeEngines;
  let sha: string;
  let context: ExecutorContext;
  const savedEnv = { ...process.env };
  const stderr = () =>
    vi
      .mocked(console.error)
      .mock.calls.map((args) => args.join(' '))
      .join('\n');
  const git = (...args: string[]) => execa('git', args, { cwd: root });

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'docker-build-'));
    mkdirSync(join(root, 'apps/api'), { recursive: true });
    writeFileSync(join(root, 'apps/api/Dockerfile'), dockerfile);
    writeFileSync(join(root, '.dockerignore'), '.git\n**/.env*\n');
    await git('init', '-q', '-b', 'main');
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'x');
    await git('remote', 'add', 'origin', 'git@github.com:acme/shop.git');
    sha = (await git('rev-parse', 'HEAD')).stdout.trim();
    fake = installFakeEngines(root, ['docker', 'podman']);
    for (const name of Object.keys(process.env)) if (name.startsWith('GITHUB_')) delete process.env[name];
    process.env.PATH = `${fake.binDir}:/usr/bin:/bin`;
    process.env.FAKE_ENGINE_LOG = fake.logFile;
    process.env.FAKE_BUILDX = '1';
    context = {
      root,
      cwd: root,
      isVerbose: false,
      projectName: 'api',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as ExecutorContext;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(created));
    vi.spyOn(console, 'error');
    vi.spyOn(process.stdout, 'write');
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    process.env = { ...savedEnv };
    rmSync(root, { recursive: true, force: true });
  });

  const labels = (version: string) => [
    '--label',
    'org.opencontainers.image.title=api',
    '--label',
    `org.opencontainers.image.revision=${sha}`,
    '--label',
    `org.opencontainers.image.version=${version}`,
    '--label',
    `org.opencontainers.image.created=${created}`,
    '--label',
    'org.opencontainers.image.source=https://github.com/acme/shop',
  ];
  /** The same version, commit and time as the labels, so the running app can say which build it is. */
  const identity = (version: string) => [
    '--build-arg',
    `APP_VERSION=${version}`,
    '--build-arg',
    `GIT_COMMIT=${sha}`,
    '--build-arg',
    `BUILD_TIME=${created}`,
  ];
  const builds = () => fake.calls().filter((c) => c.includes('build'));
  /** The temporary iidfile and metadata paths differ per run: compare them by shape. */
  const normalized = (call: string[]) =>
    call.map((word) => word.replace(/^.*\/docker-build-[^/]+\/(iid|metadata\.json)$/, '<$1>'));
  const record = () => JSON.parse(readFileSync(join(root, 'dist/api/image.json'), 'utf8'));

  it('buildx by default: metadata-action tags for main, OCI labels, --load, image.json', async () => {
    expect(await dockerBuildExecutor({}, context)).toEqual({ success: true });
    const short = sha.slice(0, 7);
    expect(builds().map(normalized)).toEqual([
      [
        'docker',
        'buildx',
        'build',
        '--file',
        join(root, 'apps/api/Dockerfile'),
        '--tag',
        'api:main',
        '--tag',
        `api:sha-${short}`,
        '--tag',
        'api:latest',
        ...labels('main'),
        ...identity('main'),
        '--iidfile',
        '<iid>',
        '--load',
        '--metadata-file',
        '<metadata.json>',
        root,
      ],
    ]);
    expect(record()).toMatchObject({
      project: 'api',
      image: 'api:main',
      references: ['api:main', `api:sha-${short}`, 'api:latest'],
      imageId: `sha256:${'1'.repeat(64)}`,
      digest: null,
      engine: 'buildx',
      pushed: false,
    });
  });

  it('buildx with every option: semver tags from vX.Y.Z, build args, target, platforms, caches, secrets, push', async () => {
    await git('tag', 'v1.4.2');
    await git('checkout', '-q', '-b', 'release/1.4');
    const options = {
      images: ['ghcr.io/acme/api'],
      tags: ['edge'],
      labels: { 'com.example.team': 'shop' },
      buildArgs: { NODE_IMAGE: 'mirror.internal/node:22-bookworm-slim' },
      target: 'build',
      platforms: ['linux/amd64', 'linux/arm64'],
      cacheFrom: ['type=registry,ref=ghcr.io/acme/api:cache'],
      cacheTo: ['type=registry,ref=ghcr.io/acme/api:cache,mode=max'],
      secrets: ['id=npmrc,src=/run/npmrc', 'id=TOKEN,env=TOKEN'],
      network: 'host' as const,
      push: true,
      load: false,
      pull: true,
      noCache: true,
    };
    expect(await dockerBuildExecutor(options, context)).toEqual({ success: true });
    const refs = ['1.4.2', '1.4', '1', 'release-1.4', `sha-${sha.slice(0, 7)}`, 'edge'];
    expect(builds().map(normalized)).toEqual([
      [
        'docker',
        'buildx',
        'build',
        '--file',
        join(root, 'apps/api/Dockerfile'),
        ...refs.flatMap((t) => ['--tag', `ghcr.io/acme/api:${t}`]),
        ...labels('1.4.2'),
        '--label',
        'com.example.team=shop',
        '--build-arg',
        'NODE_IMAGE=mirror.internal/node:22-bookworm-slim',
        ...identity('1.4.2'),
        '--target',
        'build',
        '--platform',
        'linux/amd64,linux/arm64',
        '--cache-from',
        'type=registry,ref=ghcr.io/acme/api:cache',
        '--cache-to',
        'type=registry,ref=ghcr.io/acme/api:cache,mode=max',
        '--secret',
        'id=npmrc,src=/run/npmrc',
        '--secret',
        'id=TOKEN,env=TOKEN',
        '--network',
        'host',
        '--pull',
        '--no-cache',
        '--iidfile',
        '<iid>',
        '--push',
        '--metadata-file',
        '<metadata.json>',
        root,
      ],
    ]);
    expect(record()).toMatchObject({
      image: `ghcr.io/acme/api@sha256:${'2'.repeat(64)}`,
      digest: `sha256:${'2'.repeat(64)}`,
      pushed: true,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('docker without buildx: plain docker build, then one docker push per reference, digest from RepoDigests', async () => {
    process.env.FAKE_BUILDX = '0';
    const result = await dockerBuildExecutor(
      {
        images: ['registry.internal/shop/api'],
        tagBranch: false,
        latest: 'false',
        push: true,
        network: 'host',
        buildArgs: { A: '1' },
      },
      context,
    );
    expect(result).toEqual({ success: true });
    const short = sha.slice(0, 7);
    const calls = fake.calls().filter((c) => !c.includes('version'));
    expect(calls.map(normalized)).toEqual([
      [
        'docker',
        'build',
        '--file',
        join(root, 'apps/api/Dockerfile'),
        '--tag',
        `registry.internal/shop/api:sha-${short}`,
        ...labels(`sha-${short}`),
        '--build-arg',
        'A=1',
        ...identity(`sha-${short}`),
        '--network',
        'host',
        '--iidfile',
        '<iid>',
        root,
      ],
      ['docker', 'push', `registry.internal/shop/api:sha-${short}`],
      ['docker', 'image', 'inspect', '--format', '{{json .RepoDigests}}', `registry.internal/shop/api:sha-${short}`],
    ]);
    expect(record()).toMatchObject({ engine: 'docker', digest: `sha256:${'3'.repeat(64)}` });
  });

  it('podman when docker is absent: podman build --layers with secrets, podman push per reference', async () => {
    process.env.FAKE_NO_DOCKER = '1';
    const result = await dockerBuildExecutor(
      { tags: ['rc'], secrets: ['id=npmrc,src=/run/npmrc'], platforms: ['linux/arm64'], push: true },
      context,
    );
    expect(result).toEqual({ success: true });
    const short = sha.slice(0, 7);
    const calls = fake.calls().filter((c) => c[0] === 'podman' && !c.includes('version'));
    expect(calls.map(normalized)).toEqual([
      [
        'podman',
        'build',
        '--file',
        join(root, 'apps/api/Dockerfile'),
        ...['main', `sha-${short}`, 'rc', 'latest'].flatMap((t) => ['--tag', `api:${t}`]),
        ...labels('main'),
        ...identity('main'),
        '--platform',
        'linux/arm64',
        '--secret',
        'id=npmrc,src=/run/npmrc',
        '--iidfile',
        '<iid>',
        '--layers',
        root,
      ],
      ...['main', `sha-${short}`, 'rc', 'latest'].map((t) => ['podman', 'push', `api:${t}`]),
      ['podman', 'image', 'inspect', '--format', '{{json .RepoDigests}}', 'api:main'],
    ]);
    expect(record()).toMatchObject({ engine: 'podman', image: `api@sha256:${'3'.repeat(64)}` });
  });

  it('takes branch and tag from GitHub Actions on a detached checkout; prereleases get only their full version', async () => {
    process.env.GITHUB_REF_NAME = 'v2.0.0-rc.1';
    process.env.GITHUB_REF_TYPE = 'tag';
    expect(await dockerBuildExecutor({ dryRun: true }, context)).toEqual({ success: true });
    const printed = stderr();
    expect(printed).toContain(`--tag api:2.0.0-rc.1 --tag api:sha-${sha.slice(0, 7)} --label`);
    expect(printed).not.toContain('api:latest');
    expect(printed).not.toContain('api:2.0 ');
  });

  it('--dry-run prints the exact, pasteable command and runs nothing', async () => {
    expect(await dockerBuildExecutor({ dryRun: true, engine: 'docker', labels: { note: "it's" } }, context)).toEqual({
      success: true,
    });
    expect(stderr()).toMatch(
      new RegExp(
        `^docker build --file \\S+/apps/api/Dockerfile --tag api:main .* --label 'note=it'\\\\''s' --build-arg APP_VERSION=main --build-arg GIT_COMMIT=${sha} --build-arg BUILD_TIME=${created} --iidfile \\S+ ${root}$`,
      ),
    );
    expect(fake.calls()).toEqual([]);
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });

  it('the build identity follows the labels: a version label given as an option reaches APP_VERSION too', async () => {
    const version = '2026.11.23-hotfix';
    const options = { engine: 'docker' as const, labels: { 'org.opencontainers.image.version': version } };
    expect(await dockerBuildExecutor(options, context)).toEqual({ success: true });
    const [build] = builds();
    expect(build).toContain(`org.opencontainers.image.version=${version}`);
    expect(build!.join(' ')).toContain(identity(version).join(' '));
    expect(record().labels).toMatchObject({
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.created': created,
    });
  });

  it('refuses APP_VERSION, GIT_COMMIT or BUILD_TIME as build args: the labels are the one place they come from', async () => {
    const options = { buildArgs: { APP_VERSION: '9.9.9', GIT_COMMIT: 'abc' } };
    expect(await dockerBuildExecutor(options, context)).toEqual({ success: false });
    expect(stderr()).toBe(
      "docker-build: buildArgs APP_VERSION, GIT_COMMIT are set by docker-build from the image's labels; to change the version, tag a release (vX.Y.Z) or set labels.org.opencontainers.image.version",
    );
    expect(fake.calls()).toEqual([]);
  });

  it('fails on policy findings before calling the engine, naming file, line and rule; a waiver lets it through', async () => {
    writeFileSync(join(root, 'apps/api/Dockerfile'), 'FROM node\nARG NPM_TOKEN\nENV DB_PASSWORD=x\nUSER root\n');
    writeFileSync(join(root, '.dockerignore'), 'node_modules\n');
    expect(await dockerBuildExecutor({}, context)).toEqual({ success: false });
    expect(stderr()).toBe(
      [
        'docker-build: 6 Dockerfile policy finding(s):',
        '  apps/api/Dockerfile:1: unpinned-base-image: base image node is not pinned: name a version tag (not latest) or a digest',
        '  apps/api/Dockerfile:1: healthcheck: the final stage has no HEALTHCHECK',
        '  apps/api/Dockerfile:2: secret-in-env: ARG NPM_TOKEN looks like a secret: it would be stored in the image; use a build secret (--secret) or runtime environment',
        '  apps/api/Dockerfile:3: secret-in-env: ENV DB_PASSWORD looks like a secret: it would be stored in the image; use a build secret (--secret) or runtime environment',
        '  apps/api/Dockerfile:4: non-root-user: the final stage runs as root (USER root)',
        '  .dockerignore: dockerignore: .dockerignore does not exclude .git, .env, .env.dev, .env.production, apps/api/.env, apps/api/.env.production (add .git and **/.env*)',
        '  fix them, or waive a rule by name with --waive <rule>',
      ].join('\n'),
    );
    expect(fake.calls()).toEqual([]);
    const waive = ['unpinned-base-image', 'healthcheck', 'secret-in-env', 'non-root-user', 'dockerignore'] as const;
    expect(await dockerBuildExecutor({ waive: [...waive] }, context)).toEqual({ success: true });
    expect(builds()).toHaveLength(1);
  });

  it('rejects what an engine cannot do, and bad options, with the remedy', async () => {
    expect(await dockerBuildExecutor({ engine: 'docker', cacheTo: ['type=local,dest=/tmp/c'] }, context)).toEqual({
      success: false,
    });
    expect(await dockerBuildExecutor({ engine: 'docker', secrets: ['id=a,src=/a'] }, context)).toEqual({
      success: false,
    });
    expect(await dockerBuildExecutor({ engine: 'buildx', platforms: ['linux/amd64', 'linux/arm64'] }, context)).toEqual(
      { success: false },
    );
    expect(await dockerBuildExecutor({ tags: ['bad tag'] }, context)).toEqual({ success: false });
    expect(await dockerBuildExecutor({ platforms: ['amd64'] }, context)).toEqual({ success: false });
    expect(stderr().split('\n')).toEqual([
      'docker-build: cacheTo is not supported by the docker engine; use engine buildx',
      'docker-build: secrets is not supported by the docker engine; use engine buildx or podman',
      'docker-build: load with more than one platform is not supported by the buildx engine; push instead (the local image store holds one platform)',
      'docker-build: raw tag "bad tag" is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})',
      'docker-build: invalid option for docker-build: --platforms.0: os/arch such as linux/amd64',
    ]);
    expect(builds()).toEqual([]);
  });

  it('a failing build fails the target and leaves no image.json', async () => {
    process.env.FAKE_BUILD_FAIL = '1';
    expect(await dockerBuildExecutor({}, context)).toEqual({ success: false });
    expect(stderr()).toContain('docker-build: docker buildx build failed (exit 1); its output is above');
    expect(existsSync(join(root, 'dist/api/image.json'))).toBe(false);
  });
});
