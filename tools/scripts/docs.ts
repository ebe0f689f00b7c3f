/**
 * `nx run ops:docs` writes every executor's and generator's schema.json and its reference page
 * from the zod schema; `--check` writes nothing and fails when a generated file is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalogue } from '../src/schema/catalogue.ts';
import { z } from 'zod';
import { pluginOptionsSchema } from '../src/plugin/options.ts';
import type { JsonSchema } from '../src/schema/nx-schema.ts';
import { renderIndex, renderPluginOptions, renderReference } from '../src/schema/reference-markdown.ts';

const workspaceRoot = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const catalogue = await loadCatalogue(join(workspaceRoot, 'tools'));
const files = new Map<string, string>();
for (const entry of catalogue) {
  files.set(entry.schemaJsonPath, JSON.stringify(entry.schema, null, 2) + '\n');
  files.set(join(workspaceRoot, 'docs/reference', `${entry.kind}s`, `${entry.name}.md`), renderReference(entry));
}
files.set(join(workspaceRoot, 'docs/reference/README.md'), renderIndex(catalogue));
const optionsSchema = z.toJSONSchema(pluginOptionsSchema, { target: 'draft-7', io: 'input' }) as JsonSchema;
files.set(join(workspaceRoot, 'docs/reference/plugin-options.md'), renderPluginOptions('@shopops/ops', optionsSchema));

const stale = [...files].filter(([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content);
const shown = (path: string) => relative(workspaceRoot, path);

if (values.check) {
  if (stale.length) {
    console.error(`docs: ${stale.length} generated file(s) out of date: ${stale.map(([p]) => shown(p)).join(', ')}`);
    console.error('  run `npx nx run ops:docs` and commit the result');
    process.exit(1);
  }
  console.log(`docs: ${files.size} generated files up to date`);
} else {
  for (const [path, content] of stale) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  console.log(`docs: wrote ${stale.length} of ${files.size} generated files`);
}
