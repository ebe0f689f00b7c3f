import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { flyConfigSchema, type FlyConfig } from './fly-config.ts';
import { renderBlueprintSchema, type RenderBlueprint } from './render-blueprint.ts';

/** Every problem of one deployment file, each line `<file>[:<line>]: <key path>: <what is wrong>`. */
export class DeployFileError extends Error {
  override name = 'DeployFileError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${file}: ${count}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** fly.toml (or fly.web.toml) parsed with a real TOML parser and checked against Fly's configuration reference. */
export function readFlyConfig(path: string, shownAs = basename(path)): FlyConfig {
  return parseFlyConfig(readFileSync(path, 'utf8'), shownAs);
}

export function parseFlyConfig(text: string, file: string): FlyConfig {
  let data: unknown;
  try {
    data = parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? `:${error.line}` : '';
    throw new DeployFileError(file, [`${file}${where}: not valid TOML: ${firstLine((error as Error).message)}`]);
  }
  return validated(flyConfigSchema, data, file, "Fly's configuration reference", () => undefined);
}

/** render.yaml parsed with a real YAML parser and checked against Render's Blueprint reference. */
export function readRenderBlueprint(path: string, shownAs = basename(path)): RenderBlueprint {
  return parseRenderBlueprint(readFileSync(path, 'utf8'), shownAs);
}

export function parseRenderBlueprint(text: string, file: string): RenderBlueprint {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new DeployFileError(
      file,
      document.errors.map(
        (e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: not valid YAML: ${firstLine(e.message)}`,
      ),
    );
  }
  return validated(renderBlueprintSchema, document.toJS(), file, "Render's Blueprint reference", (path) =>
    lineOf(document, lineCounter, path),
  );
}

function validated<T extends z.ZodType>(
  schema: T,
  data: unknown,
  file: string,
  reference: string,
  lineFor: (path: PropertyKey[]) => number | undefined,
): z.output<T> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    const entries: Array<[PropertyKey[], string]> =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => [[...issue.path, key], `unknown key (${reference} has no such setting)`])
        : [[issue.path, describe(issue)]];
    return entries.map(([path, message]) => ({ line: lineFor(path), text: `${keyPath(path)}: ${message}` }));
  });
  // In file order, as an author reads them; stable, so problems of one line keep the schema's order.
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new DeployFileError(
    file,
    problems.map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.text}`),
  );
}

/** `http_service.checks[0].grace_period`, the way the file's author would name the key. */
export function keyPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function describe(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined
        ? `missing (a ${issue.expected} is required)`
        : `expected a ${issue.expected}, got ${show(input)}`;
    case 'invalid_value':
      return `${show(input)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function show(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'a table'
        : String(value);
}

function lineOf(document: Document, lineCounter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const parentPath = path.slice(0, Math.max(0, depth - 1));
    const parent =
      parentPath.length === 0 ? document.contents : document.getIn(parentPath as Array<string | number>, true);
    const key = path[depth - 1];
    // A key the map holds: its line (also for unknown keys, whose value the schema never reached).
    if (depth > 0 && isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as Array<string | number>, true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
