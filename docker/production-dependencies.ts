/**
 * The node_modules folders a bundle needs at run time: the packages it imports and, from the
 * lockfile, everything they depend on (dependencies, optional and peer dependencies), resolved
 * the way Node does — nearest node_modules first, then each parent's.
 */
export interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  link?: boolean;
  resolved?: string;
}

export type LockPackages = Record<string, LockPackage>;

/** Returns lockfile paths (`node_modules/pg`, `node_modules/a/node_modules/b`) in a stable order. */
export function dependencyClosure(packages: LockPackages, roots: readonly string[]): string[] {
  const needed = new Set<string>();
  const queue: Array<{ name: string; from: string; optional: boolean }> = roots.map((name) => ({
    name,
    from: '',
    optional: false,
  }));
  while (queue.length) {
    const { name, from, optional } = queue.shift()!;
    const path = resolvePackage(packages, name, from);
    if (!path) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'the bundle'}) is not in package-lock.json: run npm install`);
    }
    if (needed.has(path)) continue;
    needed.add(path);
    const entry = packages[path]!;
    const peerMeta = entry.peerDependenciesMeta ?? {};
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push({ name: dep, from: path, optional: false });
    for (const dep of Object.keys(entry.optionalDependencies ?? {}))
      queue.push({ name: dep, from: path, optional: true });
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      queue.push({ name: dep, from: path, optional: peerMeta[dep]?.optional === true });
    }
  }
  return [...needed].sort();
}

function resolvePackage(packages: LockPackages, name: string, from: string): string | undefined {
  // From node_modules/a/node_modules/b, look in …/b/node_modules, …/a/node_modules, then node_modules.
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const index = base.lastIndexOf('/node_modules/');
    base = index === -1 ? '' : base.slice(0, index);
  }
}

/** `@scope/name/sub/path` → `@scope/name`; `node:fs` and relative paths are not packages. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const testFolders = new Set(['test', 'tests', '__tests__']);

/**
 * Test suites some packages publish (zod's src/v4/classic/tests, pino/test): never needed at run time, and an
 * image holds no tests. The folder names are yarn autoclean's defaults.
 */
export function isPublishedTestFile(pathInPackage: string): boolean {
  const parts = pathInPackage.split('/');
  const file = parts[parts.length - 1]!;
  return parts.some((part) => testFolders.has(part)) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(file);
}
