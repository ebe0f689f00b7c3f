/**
 * Image build step: copies exactly the node_modules a bundle imports, per package-lock.json, so the
 * runtime stage holds production dependencies only. The bundle is `nx run api:build` (@nx/esbuild:
 * workspace libraries inlined, npm packages left as imports); its esbuild metafile lists the imports.
 *
 * tsx docker/copy-production-modules.ts --metafile dist/apps/api/meta.json --modules /out/node_modules
 */
import { cpSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dependencyClosure, isPublishedTestFile, packageName, type LockPackages } from './production-dependencies.ts';

interface Metafile {
  outputs: Record<string, { imports?: { path: string; external?: boolean }[] }>;
}

const { values } = parseArgs({ options: { metafile: { type: 'string' }, modules: { type: 'string' } } });
if (!values.metafile || !values.modules) {
  console.error('usage: copy-production-modules.ts --metafile <esbuild meta.json> --modules <node_modules dir>');
  process.exit(2);
}
const workspaceRoot = resolve(import.meta.dirname, '..');
const lock = JSON.parse(readFileSync(join(workspaceRoot, 'package-lock.json'), 'utf8')) as { packages: LockPackages };
const metafile = JSON.parse(readFileSync(values.metafile, 'utf8')) as Metafile;

/** npm packages the bundle imports (node: built-ins and relative files are none). */
const imported = new Set(
  Object.values(metafile.outputs)
    .flatMap((output) => output.imports ?? [])
    .filter((entry) => entry.external && !entry.path.startsWith('node:'))
    .map((entry) => packageName(entry.path))
    .filter((name): name is string => name !== undefined),
);

const paths = dependencyClosure(lock.packages, [...imported].sort());
for (const path of paths) {
  cpSync(join(workspaceRoot, path), join(values.modules, path.replace(/^node_modules\//, '')), {
    recursive: true,
    dereference: false,
    filter: (source) => !isPublishedTestFile(relative(join(workspaceRoot, path), source)),
  });
}
console.log(`copy-production-modules: ${imported.size} imported packages, ${paths.length} in node_modules`);
