import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { UsageError } from './usage-error.ts';

export type FlagKind = 'boolean' | 'number' | 'string' | 'list' | 'record';

/** One option of an engine's zod schema, as the command line spells it. */
export interface Flag {
  /** The schema's key, camelCase. */
  key: string;
  /** `--kebab-case` (or the `flag` its meta names); `--no-…` for a boolean whose default is true. */
  name: string;
  kind: FlagKind;
  description: string;
  defaultValue?: unknown;
  /** For enums: the values allowed, shown in --help. */
  choices?: readonly string[];
  /** For records: what separates a name from its value (`--header "a: b"`, `--var a=b`). */
  separator?: string;
  /** For numbers of milliseconds: 500ms, 30s and 2m are accepted too. */
  duration?: boolean;
  /** What --help shows after the flag, e.g. PATH or URL. */
  placeholder?: string;
}

/** What a schema field's .meta() may say about its flag. */
interface FlagMeta {
  flag?: string;
  separator?: string;
  duration?: boolean;
  placeholder?: string;
  description?: string;
}

export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

type AnySchema = z.ZodType & {
  description?: string;
  def: Record<string, unknown> & { type: string };
};

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

const KINDS: Record<string, FlagKind> = { boolean: 'boolean', number: 'number', array: 'list', record: 'record' };

/** The flags of a zod object schema, in its key order; `except` leaves out keys that are not flags (positionals). */
export function flagsOf(schema: z.ZodObject, except: string[] = []): Flag[] {
  return Object.entries(schema.shape as Record<string, AnySchema>)
    .filter(([key]) => !except.includes(key))
    .map(([key, field]) => {
      const { inner, defaultValue } = unwrap(field);
      const kind = KINDS[inner.def.type] ?? 'string';
      const meta: FlagMeta = (field as unknown as { meta(): FlagMeta | undefined }).meta() ?? {};
      const name = meta.flag ?? kebab(key);
      return {
        key,
        name: kind === 'boolean' && defaultValue === true ? `no-${name}` : name,
        kind,
        description: field.description ?? meta.description ?? inner.description ?? '',
        defaultValue,
        choices: inner.def.type === 'enum' ? Object.values(inner.def.entries as Record<string, string>) : undefined,
        separator: kind === 'record' ? (meta.separator ?? '=') : undefined,
        duration: meta.duration,
        placeholder: meta.placeholder,
      };
    });
}

/**
 * Parses argv against the flags (strict: an unknown or misplaced flag is a usage error) into the
 * schema's keys: numbers converted, lists split at commas, records from repeated `name=value`,
 * `--no-x` turned into `x: false`. Validation of the values is the schema's job (validateFlags).
 */
export function parseFlags(flags: Flag[], argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  const options = Object.fromEntries(
    flags.map((flag) => [
      flag.name,
      {
        type: flag.kind === 'boolean' ? ('boolean' as const) : ('string' as const),
        multiple: flag.kind === 'list' || flag.kind === 'record',
      },
    ]),
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
    const raw = (parsed.values as Record<string, string | boolean | string[] | undefined>)[flag.name];
    if (raw !== undefined) values[flag.key] = convert(flag, raw);
  }
  if (parsed.values.help) values.help = true;
  return { values, positionals: parsed.positionals };
}

function convert(flag: Flag, raw: string | boolean | string[]): unknown {
  if (flag.kind === 'boolean') return flag.name.startsWith('no-') ? !raw : raw;
  const texts = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (flag.kind === 'list') {
    return texts
      .flatMap((text) => text.split(','))
      .map((item) => item.trim())
      .filter(Boolean);
  }
  if (flag.kind === 'record') return Object.fromEntries(texts.map((text) => namedValue(flag, text)));
  const text = texts.at(-1)!;
  if (flag.kind === 'number') return flag.duration ? milliseconds(flag, text) : number(flag, text);
  return text;
}

function number(flag: Flag, text: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${flag.name} must be a number, got '${text}'`);
  return Number(text);
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function milliseconds(flag: Flag, text: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `--${flag.name} must be milliseconds or a duration, got '${text}'`,
      `give milliseconds or a duration, e.g. --${flag.name} 30s`,
    );
  }
  return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
}

function namedValue(flag: Flag, text: string): [string, string] {
  const separator = flag.separator ?? '=';
  const at = text.indexOf(separator);
  if (at <= 0) {
    throw new UsageError(
      `--${flag.name} '${text}': expected name${separator}value`,
      `e.g. --${flag.name}${placeholderOf(flag)}`,
    );
  }
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

function placeholderOf(flag: Flag): string {
  if (flag.placeholder) return ` ${flag.placeholder}`;
  if (flag.kind === 'boolean') return '';
  if (flag.choices) return ` ${flag.choices.join('|')}`;
  if (flag.kind === 'record') return flag.separator === ':' ? ' "NAME: VALUE"' : ` NAME${flag.separator}VALUE`;
  if (flag.kind === 'list') return ' A,B';
  if (flag.kind === 'number') return flag.duration ? ' MS' : ' N';
  return ' VALUE';
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
      const left = `  --${flag.name}${placeholderOf(flag)}`;
      const fallback = flag.defaultValue;
      const shown =
        fallback === undefined || flag.kind === 'boolean'
          ? ''
          : ` (default: ${typeof fallback === 'string' ? fallback : JSON.stringify(fallback)})`;
      const right = `${flag.description}${shown}`;
      return left.length + 2 > width ? `${left}\n${' '.repeat(width)}${right}` : `${left.padEnd(width)}${right}`;
    })
    .join('\n');
}
