import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { UsageError } from './usage-error.ts';

export type FlagKind = 'boolean' | 'number' | 'string' | 'list';

/** One option of an engine's zod schema, as the command line spells it. */
export interface Flag {
  /** The schema's key, camelCase. */
  key: string;
  /** `--kebab-case`; `--no-…` for a boolean whose default is true. */
  name: string;
  kind: FlagKind;
  description: string;
  defaultValue?: unknown;
  /** For enums: the values allowed, shown in --help. */
  choices?: readonly string[];
}

export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

type AnySchema = z.ZodType & { description?: string; def: Record<string, unknown> & { type: string } };

/** Strips optional/default wrappers, remembering the default, to find what the flag really takes. */
function unwrap(schema: AnySchema): { inner: AnySchema; defaultValue?: unknown } {
  let inner = schema;
  let defaultValue: unknown;
  while (['optional', 'default', 'nullable', 'prefault'].includes(inner.def.type)) {
    if (inner.def.type === 'default') defaultValue = inner.def.defaultValue;
    inner = inner.def.innerType as AnySchema;
  }
  return { inner, defaultValue };
}

const KINDS: Record<string, FlagKind> = { boolean: 'boolean', number: 'number', array: 'list' };

/** The flags of a zod object schema, in its key order; `except` leaves out keys that are not flags (positionals). */
export function flagsOf(schema: z.ZodObject, except: string[] = []): Flag[] {
  return Object.entries(schema.shape as Record<string, AnySchema>)
    .filter(([key]) => !except.includes(key))
    .map(([key, field]) => {
      const { inner, defaultValue } = unwrap(field);
      const kind = KINDS[inner.def.type] ?? 'string';
      const negated = kind === 'boolean' && defaultValue === true;
      const entries =
        inner.def.type === 'enum' ? Object.values(inner.def.entries as Record<string, string>) : undefined;
      return {
        key,
        name: negated ? `no-${kebab(key)}` : kebab(key),
        kind,
        description: field.description ?? inner.description ?? '',
        defaultValue,
        choices: entries,
      };
    });
}

/**
 * Parses argv against the flags (strict: an unknown or misplaced flag is a usage error) into the
 * schema's keys: numbers converted, lists split at commas, `--no-x` turned into `x: false`.
 * Validation of the values is the schema's job; see parseCommandLine.
 */
export function parseFlags(flags: Flag[], argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const options = Object.fromEntries(
    flags.map((flag) => [flag.name, { type: flag.kind === 'boolean' ? 'boolean' : 'string' } as const]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node appends advice about positionals starting with '-' that misleads more than it helps.
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  const values: Record<string, unknown> = {};
  for (const flag of flags) {
    const raw = (parsed.values as Record<string, string | boolean | undefined>)[flag.name];
    if (raw === undefined) continue;
    values[flag.key] = convert(flag, raw);
  }
  if (parsed.values.help) values.help = true;
  return { values, positionals: parsed.positionals };
}

function convert(flag: Flag, raw: string | boolean): unknown {
  if (flag.kind === 'boolean') return flag.name.startsWith('no-') ? !raw : raw;
  const text = String(raw);
  if (flag.kind === 'list')
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  if (flag.kind === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${flag.name} must be a number, got '${text}'`);
    return Number(text);
  }
  return text;
}

/**
 * Validates parsed values with the schema; every problem is named by its flag, as the user typed it.
 */
export function validateFlags<S extends z.ZodObject>(
  schema: S,
  flags: Flag[],
  values: Record<string, unknown>,
): z.output<S> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const byKey = new Map(flags.map((flag) => [flag.key, flag.name]));
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return `--${byKey.get(key) ?? kebab(key)}: ${issue.message}`;
  });
  throw new UsageError(problems.join('; '));
}

/** `--help` rows for the flags: name, placeholder, description and default, aligned. */
export function flagsHelp(flags: Flag[], width = 28): string {
  return flags
    .map((flag) => {
      const value =
        flag.kind === 'boolean'
          ? ''
          : flag.choices
            ? ` ${flag.choices.join('|')}`
            : flag.kind === 'number'
              ? ' N'
              : ' VALUE';
      const left = `  --${flag.name}${value}`;
      const shown =
        flag.defaultValue === undefined || flag.kind === 'boolean'
          ? ''
          : ` (default: ${typeof flag.defaultValue === 'string' ? flag.defaultValue : JSON.stringify(flag.defaultValue)})`;
      const right = `${flag.description}${shown}`;
      return left.length + 2 > width ? `${left}\n${' '.repeat(width)}${right}` : `${left.padEnd(width)}${right}`;
    })
    .join('\n');
}
