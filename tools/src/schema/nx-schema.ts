import { z } from 'zod';

export type JsonSchema = {
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  items?: JsonSchema;
  [key: string]: unknown;
};

/**
 * The schema.json Nx reads (validation, `--help`, Nx Console) derived from an executor's or
 * generator's zod schema. Input mode, so options with defaults stay optional for the caller.
 */
export function toNxSchema(schema: z.ZodType, kind: 'executor' | 'generator'): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const { $schema: _drop, ...rest } = generated;
  const properties = Object.fromEntries(
    Object.entries(rest.properties ?? {}).map(([name, property]) => [name, simplifyProperty(property)]),
  );
  return {
    $schema: 'https://json-schema.org/schema',
    version: 2,
    ...(kind === 'executor' ? { outputCapture: 'direct-nodejs' } : {}),
    cli: 'nx',
    ...rest,
    properties,
    // Nx reports an unknown option by name only when the schema closes the object.
    additionalProperties: false,
  };
}

/** zod spells "positive integer" as exclusiveMinimum 0 plus a MAX_SAFE_INTEGER bound; Nx's validator and readers want minimum. */
function simplifyProperty(property: JsonSchema): JsonSchema {
  const { exclusiveMinimum, maximum, ...rest } = property;
  const simplified: JsonSchema = { ...rest };
  if (typeof exclusiveMinimum === 'number') {
    simplified.minimum = property.type === 'integer' ? exclusiveMinimum + 1 : exclusiveMinimum;
  }
  if (typeof maximum === 'number' && maximum !== Number.MAX_SAFE_INTEGER) simplified.maximum = maximum;
  return simplified;
}
