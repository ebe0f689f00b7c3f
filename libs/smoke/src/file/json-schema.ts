import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { smokeFileSchema } from './schema.ts';

export const FILE_JSON_SCHEMA_PATH = fileURLToPath(new URL('../../smoke-file.schema.json', import.meta.url));

/** The smoke file's JSON Schema, input mode: what a person writes, defaults optional. */
export function fileJsonSchemaText(): string {
  const schema = z.toJSONSchema(smokeFileSchema, { target: 'draft-7', io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
