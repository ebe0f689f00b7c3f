import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { buildCommands, shellQuote, type BuildSecret, type Command, type Engine } from './build-command.ts';
import { buildIdentityArgs, refuseIdentityOverrides } from './build-identity.ts';
import { checkDockerfilePolicy, type PolicyRule } from './dockerfile-policy.ts';
import { detectEngine } from './engine.ts';
import { readGitState } from './git-state.ts';
import { imageReferences, imageTags } from './image-tags.ts';
import { writeImageRecord, type ImageRecord } from './image-record.ts';
import { ociLabels, sourceUrlFromRemote } from './oci-labels.ts';

export interface DockerBuildRequest {
  workspaceRoot: string;
  projectRoot: string;
  projectName: string;
  engine: Engine | 'auto';
  dockerfile: string;
  context: string;
  images?: string[];
  tagSha: boolean;
  tagBranch: boolean;
  tagSemver: boolean;
  latest: 'auto' | 'true' | 'false';
  defaultBranch: string;
  tags: string[];
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  target?: string;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  secrets: string[];
  network: 'default' | 'host' | 'none';
  push: boolean;
  load: boolean;
  pull: boolean;
  noCache: boolean;
  waive: PolicyRule[];
  outputFile: string;
  dryRun: boolean;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: Date;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Policy check, tags and labels, the engine's commands, then image.json. Returns the record (none on --dry-run). */
export async function dockerBuild(request: DockerBuildRequest): Promise<ImageRecord | undefined> {
  const { workspaceRoot, projectRoot, log } = request;
  const dockerfile = join(workspaceRoot, projectRoot, request.dockerfile);
  const context = join(workspaceRoot, request.context);
  const shown = (path: string) => relative(workspaceRoot, path) || '.';
  if (!existsSync(dockerfile)) throw new Error(`${shown(dockerfile)} does not exist (option dockerfile)`);
  if (!existsSync(context)) throw new Error(`build context ${shown(context)} does not exist (option context)`);
  refuseIdentityOverrides(request.buildArgs);

  // <Dockerfile>.dockerignore is BuildKit-only; <context>/.dockerignore is what every engine reads.
  const ignoreFile = [join(context, '.dockerignore')].find((f) => existsSync(f));
  const findings = checkDockerfilePolicy({
    dockerfile: readFileSync(dockerfile, 'utf8'),
    dockerignore: ignoreFile ? readFileSync(ignoreFile, 'utf8') : undefined,
    buildArgs: request.buildArgs,
    projectRoot: relative(context, join(workspaceRoot, request.projectRoot)) || '.',
  }).filter((finding) => !request.waive.includes(finding.rule));
  if (findings.length) {
    const lines = findings.map(
      (f) =>
        `  ${f.rule === 'dockerignore' && ignoreFile ? shown(ignoreFile) : shown(dockerfile)}${f.line ? `:${f.line}` : ''}: ${f.rule}: ${f.message}`,
    );
    throw new PolicyError(
      `${findings.length} Dockerfile policy finding(s):\n${lines.join('\n')}\n  fix them, or waive a rule by name with --waive <rule>`,
    );
  }

  const git = await readGitState(workspaceRoot, request.env);
  const { tags, version } = imageTags(git, {
    sha: request.tagSha,
    branch: request.tagBranch,
    semver: request.tagSemver,
    latest: request.latest === 'auto' ? 'auto' : request.latest === 'true',
    defaultBranch: request.defaultBranch,
    raw: request.tags,
  });
  const references = imageReferences(request.images?.length ? request.images : [request.projectName], tags);
  const labels = ociLabels({
    title: request.projectName,
    revision: git.sha,
    version,
    source: git.remote ? sourceUrlFromRemote(git.remote) : undefined,
    created: request.now ?? new Date(),
    extra: request.labels,
  });
  const buildArgs = { ...request.buildArgs, ...buildIdentityArgs(labels) };
  const engine = request.engine === 'auto' ? await detectEngine() : request.engine;
  const scratch = mkdtempSync(join(tmpdir(), 'docker-build-'));
  try {
    const commands = buildCommands(engine, {
      dockerfile,
      context,
      references,
      labels,
      buildArgs,
      target: request.target,
      platforms: request.platforms,
      cacheFrom: request.cacheFrom,
      cacheTo: request.cacheTo,
      secrets: request.secrets.map(parseSecret),
      network: request.network === 'default' ? undefined : request.network,
      push: request.push,
      load: request.load,
      pull: request.pull,
      noCache: request.noCache,
      iidFile: join(scratch, 'iid'),
      metadataFile: join(scratch, 'metadata.json'),
    });
    if (request.dryRun) {
      for (const command of commands) log(shellQuote(command));
      return undefined;
    }
    log(`docker-build: ${engine} → ${references.join(', ')}`);
    for (const command of commands) await run(command, request.env);
    const imageId = readFileSync(join(scratch, 'iid'), 'utf8').trim();
    const digest = request.push ? await pushedDigest(engine, join(scratch, 'metadata.json'), references[0]!) : null;
    const record: ImageRecord = {
      project: request.projectName,
      image: digest ? `${references[0]!.replace(/:[^:/]+$/, '')}@${digest}` : references[0]!,
      references,
      tags,
      imageId,
      digest,
      engine,
      platforms: request.platforms,
      pushed: request.push,
      labels,
    };
    const output = join(workspaceRoot, request.outputFile.replaceAll('{projectName}', request.projectName));
    writeImageRecord(output, record);
    log(`docker-build: ${record.image} (${imageId.slice(0, 19)}) recorded in ${shown(output)}`);
    return record;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function parseSecret(text: string): BuildSecret {
  const fields = Object.fromEntries(text.split(',').map((pair) => pair.split('=', 2) as [string, string]));
  return { id: fields.id!, src: fields.src, env: fields.env };
}

async function run(command: Command, env: NodeJS.ProcessEnv | undefined): Promise<void> {
  const result = await execa(command.file, command.args, {
    env: { ...(env ?? process.env), ...command.env },
    extendEnv: false,
    stdio: ['ignore', 'inherit', 'inherit'],
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new Error(
      `${command.file} ${command.args.slice(0, 2).join(' ')} failed (exit ${result.exitCode ?? result.signal}); its output is above`,
    );
  }
}

/** The manifest digest the registry holds: buildx reports it; for docker and podman the pushed RepoDigests do. */
async function pushedDigest(engine: Engine, metadataFile: string, reference: string): Promise<string | null> {
  if (engine === 'buildx') {
    const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
    return (metadata['containerimage.digest'] as string | undefined) ?? null;
  }
  const file = engine === 'podman' ? 'podman' : 'docker';
  const { stdout } = await execa(file, ['image', 'inspect', '--format', '{{json .RepoDigests}}', reference]);
  const repoDigests = JSON.parse(stdout) as string[] | null;
  return repoDigests?.[0]?.split('@')[1] ?? null;
}
