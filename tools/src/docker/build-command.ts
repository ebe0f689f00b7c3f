/**
 * The exact command lines a build runs, per engine. Pure, so tests can assert them and
 * `--dry-run` can print them; the executor only runs what this returns.
 */
export const engines = ['buildx', 'docker', 'podman'] as const;
export type Engine = (typeof engines)[number];

export interface BuildSecret {
  id: string;
  /** Read from this file… */
  src?: string;
  /** …or from this environment variable. */
  env?: string;
}

export interface BuildSpec {
  dockerfile: string;
  context: string;
  /** Full references (name:tag); the first is the image's main reference. */
  references: string[];
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  target?: string;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  secrets: BuildSecret[];
  network?: 'host' | 'none';
  push: boolean;
  load: boolean;
  pull: boolean;
  noCache: boolean;
  /** Where the engine writes the image ID. */
  iidFile: string;
  /** Where buildx writes its build metadata (the pushed manifest's digest). */
  metadataFile: string;
}

export interface Command {
  file: string;
  args: string[];
  /** Added to the environment of the process. */
  env: Record<string, string>;
}

export class UnsupportedOptionError extends Error {
  override name = 'UnsupportedOptionError';
}

export function buildCommands(engine: Engine, spec: BuildSpec): Command[] {
  checkSupported(engine, spec);
  const args = [...(engine === 'buildx' ? ['buildx', 'build'] : ['build']), ...commonFlags(engine, spec)];
  if (engine === 'buildx') {
    if (spec.push) args.push('--push');
    if (spec.load) args.push('--load');
    args.push('--metadata-file', spec.metadataFile);
  }
  args.push(spec.context);
  const file = engine === 'podman' ? 'podman' : 'docker';
  const commands: Command[] = [{ file, args, env: {} }];
  if (spec.push && engine !== 'buildx') {
    for (const reference of spec.references) commands.push({ file, args: ['push', reference], env: {} });
  }
  return commands;
}

function commonFlags(engine: Engine, spec: BuildSpec): string[] {
  const flags = ['--file', spec.dockerfile];
  for (const reference of spec.references) flags.push('--tag', reference);
  for (const [key, value] of Object.entries(spec.labels)) flags.push('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(spec.buildArgs)) flags.push('--build-arg', `${key}=${value}`);
  if (spec.target) flags.push('--target', spec.target);
  if (spec.platforms.length) flags.push('--platform', spec.platforms.join(','));
  for (const cache of spec.cacheFrom) flags.push('--cache-from', cache);
  for (const cache of spec.cacheTo) flags.push('--cache-to', cache);
  for (const secret of spec.secrets) flags.push('--secret', secretFlag(secret));
  if (spec.network) flags.push('--network', spec.network);
  if (spec.pull) flags.push('--pull');
  if (spec.noCache) flags.push('--no-cache');
  flags.push('--iidfile', spec.iidFile);
  if (engine === 'podman') flags.push('--layers');
  return flags;
}

function secretFlag(secret: BuildSecret): string {
  if (secret.src) return `id=${secret.id},src=${secret.src}`;
  return `id=${secret.id},env=${secret.env ?? secret.id}`;
}

function checkSupported(engine: Engine, spec: BuildSpec): void {
  const unsupported = (what: string, remedy: string) => {
    throw new UnsupportedOptionError(`${what} is not supported by the ${engine} engine; ${remedy}`);
  };
  if (engine !== 'buildx' && spec.cacheTo.length) unsupported('cacheTo', 'use engine buildx');
  if (engine === 'docker' && spec.platforms.length > 1) unsupported('more than one platform', 'use engine buildx');
  if (engine === 'podman' && spec.platforms.length > 1) {
    unsupported('more than one platform', 'use engine buildx (podman needs a manifest list)');
  }
  if (engine === 'buildx' && spec.load && spec.platforms.length > 1) {
    unsupported('load with more than one platform', 'push instead (the local image store holds one platform)');
  }
  // Without buildx the docker CLI builds with the legacy builder, which has no build secrets.
  if (engine === 'docker' && spec.secrets.length) unsupported('secrets', 'use engine buildx or podman');
  if (!spec.push && !spec.load && engine === 'buildx') {
    unsupported('neither push nor load', 'the image would stay in the build cache only; set load or push');
  }
}

/** POSIX-shell quoting, for `--dry-run` output a user can paste. */
export function shellQuote(command: Command): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(command.env).map(([k, v]) => `${k}=${quote(v)}`);
  return [...env, command.file, ...command.args].map((w, i) => (i < env.length ? w : quote(w))).join(' ');
}
