import { parse } from 'smol-toml';
import type { EnvEntry } from './env-values.ts';
import { isSecretVariable } from './env-values.ts';
import { platformValue } from './platform-values.ts';

export interface FlyBase {
  app: string;
  env: Record<string, string>;
}

export function readFlyBase(text: string, path: string): FlyBase {
  const parsed = parse(text) as { app?: unknown; env?: Record<string, unknown> };
  if (typeof parsed.app !== 'string' || parsed.app === '') {
    throw new Error(`${path} has no app name (app = "…"); pass --flyApp or fix ${path}`);
  }
  const env = Object.fromEntries(Object.entries(parsed.env ?? {}).map(([key, value]) => [key, String(value)]));
  return { app: parsed.app, env };
}

/**
 * fly.<env>.toml: the base file with its comments, another app name, and [env] values of this environment.
 * An [env] key whose value is still a placeholder is written empty with a comment (empty is unset to the
 * app, which refuses to start without it) rather than keeping another environment's value.
 */
export function renderFlyConfig(
  text: string,
  options: {
    app: string;
    environment: string;
    baseFile: string;
    entries: readonly EnvEntry[];
    requiredWithoutDefault: ReadonlySet<string>;
  },
): string {
  const byName = new Map(options.entries.map((entry) => [entry.variable.name, entry]));
  const base = readFlyBase(text, options.baseFile);
  const expected = new Map<string, string>();
  let table = '';
  const lines = text.split('\n').map((line) => {
    const header = /^\s*\[+\s*([^\]]+?)\s*\]+/.exec(line);
    if (header) {
      table = header[1]!;
      return line;
    }
    const pair = /^(\s*)([A-Za-z0-9_-]+)(\s*=\s*)(.*)$/.exec(line);
    if (!pair) return line;
    const [, indent, key, equals] = pair;
    if (table === '' && key === 'app') return `${indent}app${equals}${JSON.stringify(options.app)}`;
    if (table !== 'env') return line;
    const entry = byName.get(key!);
    if (entry && isSecretVariable(entry.variable)) return line;
    const { value, placeholder } = platformValue(key!, base.env[key!] ?? '', entry, options);
    const note = placeholder ? `  # fill in: ${key} of ${options.environment}` : '';
    expected.set(key!, value);
    return `${indent}${key}${equals}${JSON.stringify(value)}${note}`;
  });
  const banner = [
    `# fly.${options.environment}.toml: the ${options.environment} environment, written by \`nx g @shopops/ops:new-env ${options.environment}\``,
    `# from ${options.baseFile}: another app, and [env] values of ${options.environment}. Deploy with --config fly.${options.environment}.toml;`,
    `# secrets: ./secrets-${options.environment}.sh.`,
  ];
  const rendered = [...banner, ...lines].join('\n');
  assertFlyConfig(rendered, options.app, expected);
  return rendered;
}

/** The line edits above must produce exactly the app and [env] meant, or nothing is written. */
function assertFlyConfig(rendered: string, app: string, expected: ReadonlyMap<string, string>): void {
  const parsed = readFlyBase(rendered, 'the generated fly config');
  if (parsed.app !== app) throw new Error(`the generated fly config names app ${parsed.app}, not ${app}`);
  for (const [name, value] of expected) {
    if (parsed.env[name] !== value)
      throw new Error(`the generated fly config sets ${name} to another value than meant`);
  }
}
