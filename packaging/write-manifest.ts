/**
 * Writes the package.json of a built package: `tsx packaging/write-manifest.ts <project root>`, after
 * `nx run <project>:compile` has put the compiled JS in dist/<project root>.
 *
 * Inside the workspace a package's manifest points at its TypeScript sources, so Nx, vitest and tsx
 * run them with no build step. What npm publishes must point at compiled JS instead: this derives that
 * manifest from the source one, so the two never disagree on a name, a version or a dependency.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishableManifest, type Manifest } from './publishable-manifest.ts';

const workspaceRoot = resolve(import.meta.dirname, '..');
const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: write-manifest.ts <project root>     e.g. libs/migrate');
  process.exit(2);
}
const outputDir = join(workspaceRoot, 'dist', projectRoot);
if (!existsSync(outputDir)) {
  console.error(`write-manifest: ${outputDir} does not exist\n  remedy: run nx run <project>:compile first`);
  process.exit(1);
}

const readManifest = (root: string): Manifest =>
  JSON.parse(readFileSync(join(workspaceRoot, root, 'package.json'), 'utf8')) as Manifest;
const workspaceVersions = new Map(
  (readManifest('.').workspaces ?? [])
    .flatMap((pattern) => workspaceFolders(pattern))
    .map((root) => readManifest(root))
    .map((manifest) => [manifest.name, manifest.version] as const),
);

const manifest = publishableManifest(readManifest(projectRoot), workspaceVersions, (path) =>
  existsSync(join(outputDir, path)),
);
writeFileSync(join(outputDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`write-manifest: dist/${projectRoot}/package.json (${manifest.name}@${manifest.version})`);

/** `apps/*` → every folder of apps/ with a package.json; a plain path → itself. */
function workspaceFolders(pattern: string): string[] {
  if (!pattern.endsWith('/*')) return [pattern];
  const parent = pattern.slice(0, -2);
  return readdirSync(join(workspaceRoot, parent))
    .map((name) => `${parent}/${name}`)
    .filter((root) => existsSync(join(workspaceRoot, root, 'package.json')));
}
