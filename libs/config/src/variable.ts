import { z } from 'zod';

export type Environment = 'dev' | 'staging' | 'prod';

/** What the schema knows about one environment variable beyond its type: the source of docs and .env files. */
export interface VariableMeta {
  /** One or two sentences: what it is and what it changes. Rendered into .env.example. */
  description: string;
  /** Section it is listed under in .env.example and the docs. */
  group: VariableGroup;
  /** Used in every environment when the variable is unset or empty. */
  default?: string;
  /**
   * Used only when ENV=dev and the variable is unset, so a laptop runs with no .env at all. These point at
   * the local stack (`npm start`) and are never good enough for staging or prod.
   */
  devDefault?: string;
  /** Must be set (or have a default) in this environment; when absent, the variable may stay unset. */
  requiredIn?: readonly Environment[];
  /** Never printed: error messages and listings show *** instead. */
  secret?: boolean;
  /** A URL whose password is masked when printed. */
  urlWithCredentials?: boolean;
  /** A realistic value for docs and generated environments, when the default does not show the form. */
  example?: string;
}

export type VariableGroup =
  | 'runtime'
  | 'database'
  | 'redis'
  | 'storage'
  | 'auth'
  | 'http'
  | 'orders'
  | 'payments'
  | 'urls'
  | 'observability'
  | 'features'
  | 'build';

export const ALL_ENVIRONMENTS: readonly Environment[] = ['dev', 'staging', 'prod'];

/** Registry tying each variable's zod type to its metadata; the schema below is the only writer. */
export const variableRegistry = z.registry<VariableMeta>();

/** A variable's type (parsing the raw string, or undefined when unset) with its metadata attached. */
export function variable<T extends z.ZodType>(schema: T, meta: VariableMeta): T {
  // A fresh instance per variable: the registry is keyed by instance and parsers are shared between variables.
  const own = schema.clone() as T;
  variableRegistry.add(own, meta);
  return own;
}
