import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { SmokeInputError } from './errors.ts';
import { smokeOptionsSchema, type SmokeOptions } from './options.ts';

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'record';

interface Flag {
  key: keyof SmokeOptions & string;
  flag: string;
  kind: Kind;
  description: string;
  defaultValue?: unknown;
}

const RECORD_SEPARATOR: Record<string, string> = { header: ':', var: '=' };

/** The flags, derived from the options' zod schema: --kebab-case of each key, or the `flag` its meta names. */
export const FLAGS: Flag[] = Object.entries(smokeOptionsSchema.shape).map(([key, field]) => {
  const meta = (field as z.ZodType).meta() as { flag?: string; description?: string } | undefined;
  const { kind, defaultValue } = unwrap(field as z.ZodType);
  return {
    key: key as Flag['key'],
    flag: meta?.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
    kind,
    description: meta?.description ?? '',
    defaultValue,
  };
});

function unwrap(field: z.ZodType): { kind: Kind; defaultValue?: unknown } {
  let current = field as unknown as { _zod: { def: { type: string; innerType?: unknown; defaultValue?: unknown } } };
  let defaultValue: unknown;
  while (current._zod.def.type === 'optional' || current._zod.def.type === 'default') {
    if (current._zod.def.type === 'default') defaultValue = current._zod.def.defaultValue;
    current = current._zod.def.innerType as typeof current;
  }
  return { kind: current._zod.def.type as Kind, defaultValue };
}

/** argv → the typed options; a mistake is SmokeInputError (exit 64). */
export function parseCommandLine(argv: string[]): { options: SmokeOptions; help: boolean } {
  const config: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const f of FLAGS)
    config[f.flag] = {
      type: f.kind === 'boolean' ? 'boolean' : 'string',
      multiple: f.kind === 'array' || f.kind === 'record',
    };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: config, allowPositionals: false, strict: true }));
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    throw new SmokeInputError(message.charAt(0).toLowerCase() + message.slice(1), { remedy: 'see smoke --help' });
  }
  const options: Record<string, unknown> = {};
  for (const f of FLAGS) {
    const value = values[f.flag];
    if (value !== undefined) options[f.key] = convert(f, value);
  }
  return { options: options as SmokeOptions, help: values.help === true };
}

function convert(flag: Flag, value: string | boolean | (string | boolean)[]): unknown {
  const texts = (Array.isArray(value) ? value : [value]).map(String);
  switch (flag.kind) {
    case 'boolean':
      return value;
    case 'number':
      return number(flag, texts[0]!);
    case 'array':
      return texts
        .flatMap((text) => text.split(','))
        .map((s) => s.trim())
        .filter(Boolean);
    case 'record':
      return Object.fromEntries(texts.map((text) => pair(flag, text)));
    default:
      return texts[0];
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Whole numbers; millisecond options also take 500ms, 30s or 2m. */
function number(flag: Flag, text: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(text.trim());
  const inMs = flag.description.startsWith('Milliseconds');
  if (!match || (match[2] && !inMs))
    throw new SmokeInputError(
      `--${flag.flag} ${JSON.stringify(text)} is not ${inMs ? 'a duration' : 'a whole number'}`,
      {
        remedy: inMs ? `give milliseconds or a duration, e.g. --${flag.flag} 30s` : `e.g. --${flag.flag} 4`,
      },
    );
  return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
}

function pair(flag: Flag, text: string): [string, string] {
  const separator = RECORD_SEPARATOR[flag.flag] ?? '=';
  const at = text.indexOf(separator);
  if (at <= 0)
    throw new SmokeInputError(`--${flag.flag} ${JSON.stringify(text)}: expected name${separator}value`, {
      remedy:
        flag.flag === 'header'
          ? '--header "fly-force-instance-id: 3d8d9e1b2c4e89"'
          : `--${flag.flag} name${separator}value`,
    });
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

const PLACEHOLDER: Record<Kind, string> = { string: ' VALUE', number: ' N', boolean: '', array: ' A,B', record: '' };

export function usage(): string {
  const rows = FLAGS.map((f) => {
    const value =
      f.flag === 'header'
        ? ' "NAME: VALUE"'
        : f.flag === 'var'
          ? ' NAME=VALUE'
          : f.key.endsWith('File') ||
              f.flag === 'file' ||
              f.flag === 'junit' ||
              f.flag === 'report' ||
              f.flag === 'expect-image'
            ? ' PATH'
            : f.flag === 'url'
              ? ' URL'
              : PLACEHOLDER[f.kind];
    const fallback = f.defaultValue !== undefined && f.kind !== 'boolean' ? ` (default: ${f.defaultValue})` : '';
    return [`  --${f.flag}${value}`, `${f.description}${fallback}`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    'Usage: smoke [options]',
    '',
    'Runs the checks of a smoke file against a deployment and says which build answered.',
    '',
    'Options:',
    ...rows.map(([left, right]) => `${left.padEnd(width)}${right}`),
    `  -h, --help`.padEnd(width) + 'show this help',
    '',
    'Progress goes to stderr on a terminal; the summary (or the --json report) to stdout.',
    'Exit codes: 0 all passed, 1 an assertion failed, 2 the target could not be reached,',
    '64 the smoke file or an option is invalid (nothing was sent).',
  ].join('\n');
}
