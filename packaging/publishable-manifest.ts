/** The fields of package.json this workspace's packages use. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  exports?: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  workspaces?: string[];
  [field: string]: unknown;
}

const SOURCE_FILE = /^\.\/(.+)\.ts$/;

/**
 * The manifest npm publishes, from the one the workspace runs: every `./<path>.ts` entry point
 * becomes `./<path>.js` with its `./<path>.d.ts` as `types`, workspace dependencies (`*`) become the
 * exact version of that workspace package, and what only the workspace needs (devDependencies,
 * `private`) is dropped. `exists` answers whether a file is in the build, so a manifest that would
 * point at nothing fails here instead of in a user's `import`.
 */
export function publishableManifest(
  source: Manifest,
  workspaceVersions: ReadonlyMap<string, string>,
  exists: (path: string) => boolean,
): Manifest {
  if (source.private)
    throw new Error(`${source.name} is private: remove "private" from its package.json to publish it`);
  const { devDependencies: _dev, private: _private, exports, bin, dependencies, ...rest } = source;
  const compiled = (path: string) => builtFile(source.name, path, '.js', exists);
  const manifest: Manifest = { ...rest };
  if (exports) manifest.exports = mapValues(exports, (entry) => compiledExport(source.name, entry, exists));
  const main = exports?.['.'];
  if (typeof main === 'string' && SOURCE_FILE.test(main)) {
    manifest.main = compiled(main);
    manifest.types = builtFile(source.name, main, '.d.ts', exists);
  }
  if (bin) manifest.bin = mapValues(bin, compiled);
  if (dependencies)
    manifest.dependencies = mapValues(dependencies, (range, name) => pinnedRange(name, range, workspaceVersions));
  return manifest;
}

function compiledExport(
  packageName: string,
  entry: string | Record<string, string>,
  exists: (path: string) => boolean,
): string | Record<string, string> {
  if (typeof entry !== 'string') return entry;
  if (!SOURCE_FILE.test(entry)) return entry;
  return {
    types: builtFile(packageName, entry, '.d.ts', exists),
    default: builtFile(packageName, entry, '.js', exists),
  };
}

function builtFile(
  packageName: string,
  sourcePath: string,
  extension: string,
  exists: (path: string) => boolean,
): string {
  const match = SOURCE_FILE.exec(sourcePath);
  if (!match) return sourcePath;
  const built = `./${match[1]}${extension}`;
  if (!exists(built)) throw new Error(`${packageName}: ${sourcePath} was not compiled to ${built}`);
  return built;
}

function pinnedRange(name: string, range: string, workspaceVersions: ReadonlyMap<string, string>): string {
  const version = workspaceVersions.get(name);
  if (version === undefined) return range;
  if (range !== '*' && range !== version) throw new Error(`${name}: the workspace has ${version}, not ${range}`);
  return version;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
}
