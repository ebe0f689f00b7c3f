import { JSONPath } from 'jsonpath-plus';

/**
 * Why a JSONPath expression is malformed, or undefined when it is fine. jsonpath-plus is lenient
 * (an unclosed bracket silently selects something else), so the shape is checked here and every
 * filter expression is compiled once, all before a request is sent.
 */
export function jsonPathProblem(path: string): string | undefined {
  if (!path.startsWith('$')) return 'a JSONPath starts with $ (e.g. $.items[0].id)';
  let depth = 0;
  let quote: string | undefined;
  for (const char of path) {
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '[') depth++;
    else if (char === ']' && --depth < 0) return 'a ] without its [';
    else if (depth === 0 && /\s/.test(char)) return 'white space outside brackets';
  }
  if (quote) return `an unclosed ${quote}`;
  if (depth > 0) return 'an unclosed [';
  if (/\[\]|\.\.\.|\.$/.test(path)) return 'an empty segment';
  for (const filter of path.matchAll(/\[\?\((.*?)\)\]/g)) {
    try {
      JSONPath({ path: `$[?(${filter[1]})]`, json: [{}], eval: 'safe', wrap: true });
    } catch (error) {
      return `the filter ${filter[0]} does not compile: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** Every value the path selects (none when the body is not JSON). */
export function select(path: string, json: unknown): unknown[] {
  if (json === undefined) return [];
  return JSONPath({ path, json: json as object, eval: 'safe', wrap: true }) as unknown[];
}
