/**
 * Image build step: bundles TypeScript entry points (workspace libraries inlined, npm packages left
 * as imports) and copies exactly the node_modules those imports need, per package-lock.json, so the
 * runtime stage holds production dependencies only.
 *
 * tsx docker/bundle-node-app.ts --entry apps/api/src/main.ts --entry apps/api/docker/migrate.ts \
 *   --outdir apps/api/dist --modules /out/node_modules
 */
import { cpSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { dependencyClosure, isPublishedTestFile, packageName, type LockPackages } from './production-dependencies.ts';

const { values } = parseArgs({
  options: {
    entry: { type: 'string', multiple: true, default: [] },
    outdir: { type: 'string' },
    modules: { type: 'string' },
  },
});
if (!values.entry.length || !values.outdir || !values.modules) {
  console.error('usage: bundle-node-app.ts --entry <file.ts>... --outdir <dir> --modules <node_modules dir>');
  process.exit(2);
}
const workspaceRoot = resolve(import.meta.dirname, '..');
const lock = JSON.parse(readFileSync(join(workspaceRoot, 'package-lock.json'), 'utf8')) as { packages: LockPackages };
const workspacePackages = new Set(
  Object.entries(lock.packages)
    .filter(([, entry]) => entry.link)
    .map(([path]) => path.replace(/^node_modules\//, '')),
);

const external = new Set<string>();
// npm packages stay imports (native addons, wasm files and OpenTelemetry's module hooks need the real
// files); workspace packages are TypeScript source and get inlined.
const externalPackages: Plugin = {
  name: 'external-npm-packages',
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageName(args.path);
      if (!name || workspacePackages.has(name)) return undefined;
      external.add(name);
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: values.entry,
  outdir: values.outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // One self-contained file per entry in outdir: import.meta.url-relative paths in the sources
  // (../package.json, ../migrations from apps/api/src) keep pointing at the same files.
  entryNames: '[name]',
  outExtension: { '.js': '.mjs' },
  sourcemap: true,
  plugins: [externalPackages],
  logLevel: 'warning',
  absWorkingDir: workspaceRoot,
});

const paths = dependencyClosure(lock.packages, [...external].sort());
for (const path of paths) {
  cpSync(join(workspaceRoot, path), join(values.modules, path.replace(/^node_modules\//, '')), {
    recursive: true,
    dereference: false,
    filter: (source) => !isPublishedTestFile(relative(join(workspaceRoot, path), source)),
  });
}
console.log(
  `bundled ${values.entry.length} entries; ${external.size} imported packages, ${paths.length} in node_modules`,
);
