import { parseArgs } from 'node:util';
import { COMPRESSIONS, type CompressionChoice } from './compression.ts';

/** Every option of every command; which command takes which is in COMMAND_OPTIONS. */
export const OPTIONS = {
  url: { type: 'string' },
  destination: { type: 'string' },
  's3-endpoint': { type: 'string' },
  's3-region': { type: 'string' },
  's3-force-path-style': { type: 'boolean' },
  'pg-bin-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  compression: { type: 'string' },
  globals: { type: 'boolean' },
  verify: { type: 'boolean' },
  prune: { type: 'boolean' },
  backup: { type: 'string' },
  jobs: { type: 'string' },
  confirm: { type: 'string' },
  force: { type: 'boolean' },
  database: { type: 'string' },
  'keep-previous': { type: 'string' },
  'safety-backup': { type: 'boolean' },
  'protected-hosts': { type: 'string' },
  'protected-databases': { type: 'string' },
  'no-drill': { type: 'boolean' },
  'keep-daily': { type: 'string' },
  'keep-weekly': { type: 'string' },
  'keep-monthly': { type: 'string' },
  'keep-yearly': { type: 'string' },
  'keep-last': { type: 'string' },
  apply: { type: 'boolean' },
  'metrics-file': { type: 'string' },
  'pushgateway-url': { type: 'string' },
} as const;

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];
export type Option = keyof typeof OPTIONS;

export const COMMON: Option[] = [
  'url',
  'destination',
  's3-endpoint',
  's3-region',
  's3-force-path-style',
  'pg-bin-dir',
  'json',
];
const METRICS: Option[] = ['metrics-file', 'pushgateway-url'];
const KEEP: Option[] = ['keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly', 'keep-last'];
export const COMMAND_OPTIONS: Record<string, Option[]> = {
  backup: ['compression', 'globals', 'verify', 'prune', ...KEEP, ...METRICS],
  restore: [
    'backup',
    'database',
    'jobs',
    'confirm',
    'force',
    'keep-previous',
    'safety-backup',
    'protected-hosts',
    'protected-databases',
    'compression',
  ],
  verify: ['backup', 'jobs', 'no-drill', ...METRICS],
  list: [],
  prune: ['apply', ...KEEP],
};

/** A mistake in the command line: exit code 2. */
export class UsageError extends Error {}

export function compression(value: string | undefined): CompressionChoice | undefined {
  if (value === undefined) return undefined;
  if (!COMPRESSIONS.includes(value as CompressionChoice)) {
    throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')}`);
  }
  return value as CompressionChoice;
}

export function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

export function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number, got '${value}'`);
  return Number(value);
}

export function positiveInt(value: string | undefined, name: string): number | undefined {
  const n = count(value, name);
  if (n === 0) throw new UsageError(`${name} must be at least 1`);
  return n;
}

export function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
