import { variableMeta } from './load-config.ts';
import { envSchema, type VariableName } from './schema.ts';
import { ALL_ENVIRONMENTS, type Environment, type VariableGroup } from './variable.ts';

export interface VariableDescription {
  name: VariableName;
  group: VariableGroup;
  description: string;
  /** Default in every environment. */
  default: string | undefined;
  /** Default when ENV=dev (falls back to `default`). */
  devDefault: string | undefined;
  /** Environments where it must be set (it has no default there). */
  requiredIn: Environment[];
  secret: boolean;
  example: string | undefined;
}

const GROUP_TITLES: Record<VariableGroup, string> = {
  runtime: 'Runtime',
  database: 'PostgreSQL',
  redis: 'Redis',
  storage: 'Object storage (S3-compatible)',
  auth: 'Admin authentication',
  http: 'HTTP: CORS, rate limits, limits, timeouts, shutdown',
  urls: 'Public URLs',
  orders: 'Orders: stock reservations',
  payments: 'Payment providers',
  observability: 'Tracing',
  features: 'Feature flags',
  build: 'Build information (GET /version)',
};

/** Every variable in schema order, for docs and for generating a new environment's settings. */
export function describeVariables(): VariableDescription[] {
  return (Object.keys(envSchema.shape) as VariableName[]).map((name) => {
    const meta = variableMeta(name);
    return {
      name,
      group: meta.group,
      description: meta.description,
      default: meta.default,
      devDefault: meta.devDefault ?? meta.default,
      requiredIn: ALL_ENVIRONMENTS.filter(
        (env) => meta.requiredIn?.includes(env) && (env === 'dev' ? meta.devDefault : meta.default) === undefined,
      ),
      secret: meta.secret ?? false,
      example: meta.example,
    };
  });
}

/**
 * .env.example: each variable with its description, where it is required, and its value for a laptop (the dev
 * default, commented out when it equals what the API uses anyway, so the file documents rather than overrides).
 */
export function renderEnvExample(): string {
  const lines = [
    '# Environment of the API (apps/api). Generated from libs/config/src/schema.ts by',
    '# `npx nx run api:env-example`; do not edit by hand: a test fails when this file is stale.',
    '#',
    '# Unset and empty variables take their default; with ENV=dev (the default) they take the dev default,',
    '# which points at the local stack (`npm start`), so a laptop needs no .env at all.',
    '# Lines starting with "# NAME=" show the value used when the variable is unset.',
  ];
  let group: VariableGroup | undefined;
  for (const v of describeVariables()) {
    if (v.group !== group) {
      group = v.group;
      lines.push('', `# ---- ${GROUP_TITLES[group]} ----`);
    }
    lines.push('');
    for (const line of wrap(v.description, 100)) lines.push(`# ${line}`);
    const notes: string[] = [];
    if (v.requiredIn.length > 0) notes.push(`required in ${v.requiredIn.join(', ')}`);
    if (v.secret) notes.push('secret');
    if (v.default !== undefined && v.devDefault !== v.default) notes.push(`default outside dev: ${v.default}`);
    if (v.default === undefined && v.devDefault !== undefined && v.requiredIn.length === 0)
      notes.push('unset outside dev');
    if (v.example !== undefined && v.example !== v.devDefault) notes.push(`e.g. ${v.example}`);
    if (notes.length > 0) lines.push(`# (${notes.join('; ')})`);
    lines.push(v.devDefault !== undefined ? `# ${v.name}=${v.devDefault}` : `${v.name}=`);
  }
  return lines.join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
