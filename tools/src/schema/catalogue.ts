import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { toNxSchema } from './nx-schema.ts';
import type { ReferenceEntry } from './reference-markdown.ts';

export interface CatalogueEntry extends ReferenceEntry {
  /** Where the generated schema.json goes, beside the zod schema.ts it comes from. */
  schemaJsonPath: string;
}

interface CollectionFile {
  executors?: Record<string, { schema: string }>;
  generators?: Record<string, { schema: string }>;
}

/** Every executor and generator the plugin declares, with the JSON schema generated from its zod schema. */
export async function loadCatalogue(pluginRoot: string): Promise<CatalogueEntry[]> {
  const { name: pluginName } = JSON.parse(readFileSync(join(pluginRoot, 'package.json'), 'utf8')) as { name: string };
  const entries: CatalogueEntry[] = [];
  for (const kind of ['executor', 'generator'] as const) {
    const collection = JSON.parse(readFileSync(join(pluginRoot, `${kind}s.json`), 'utf8')) as CollectionFile;
    for (const [name, { schema }] of Object.entries(collection[`${kind}s`] ?? {})) {
      const schemaJsonPath = resolve(pluginRoot, schema);
      const zodSchema = await importZodSchema(join(dirname(schemaJsonPath), 'schema.ts'));
      entries.push({ id: `${pluginName}:${name}`, name, kind, schemaJsonPath, schema: toNxSchema(zodSchema, kind) });
    }
  }
  return entries;
}

async function importZodSchema(path: string): Promise<z.ZodType> {
  const module = (await import(pathToFileURL(path).href)) as { schema?: z.ZodType };
  if (!module.schema) throw new Error(`${path} must export the options' zod schema as \`schema\``);
  return module.schema;
}
