import type { Check, Matcher } from './file/schema.ts';
import type { HttpResponse } from './http-request.ts';
import { select } from './jsonpath.ts';

const DAY_MS = 86_400_000;

/** Every assertion of a check that the response breaks: all of them, not just the first. */
export function failedAssertions(check: Check, response: HttpResponse, json: unknown, now = new Date()): string[] {
  const failures: string[] = [];
  const statuses = Array.isArray(check.status) ? check.status : [check.status];
  if (!statuses.includes(response.status))
    failures.push(`status ${response.status}, expected ${statuses.join(' or ')}`);
  const assert = check.assert ?? {};
  for (const [name, matcher] of Object.entries(assert.headers ?? {})) {
    const value = response.headers[name.toLowerCase()];
    failures.push(...matcherFailures(`header ${name}`, value === undefined ? [] : [value], matcher, false));
  }
  for (const [path, matcher] of Object.entries(assert.json ?? {})) {
    if (json === undefined) {
      failures.push(`${path}: the body is not JSON`);
      continue;
    }
    failures.push(...matcherFailures(path, select(path, json), matcher, true));
  }
  const { contains, matches } = assert.body ?? {};
  for (const text of typeof contains === 'string' ? [contains] : (contains ?? []))
    if (!response.body.includes(text)) failures.push(`body does not contain ${JSON.stringify(text)}`);
  if (matches !== undefined && !new RegExp(matches).test(response.body))
    failures.push(`body does not match /${matches}/`);
  if (assert.maxMs !== undefined && response.latencyMs > assert.maxMs)
    failures.push(`took ${Math.round(response.latencyMs)} ms, over the budget of ${assert.maxMs} ms`);
  if (assert.tlsValidDays !== undefined) failures.push(...certificateFailures(response, assert.tlsValidDays, now));
  return failures;
}

function matcherFailures(subject: string, values: unknown[], matcher: Matcher, isPath: boolean): string[] {
  const failures: string[] = [];
  const shown = (value: unknown) => JSON.stringify(value);
  if (matcher.exists === true && values.length === 0) failures.push(`${subject} is missing`);
  if (matcher.exists === false && values.length > 0) failures.push(`${subject} is present (${shown(values[0])})`);
  if (matcher.count !== undefined && values.length !== matcher.count)
    failures.push(`${subject} selects ${values.length} value(s), expected ${matcher.count}`);
  const each = (what: string, ok: (value: unknown) => boolean) => {
    if (values.length === 0) return void failures.push(`${subject} is missing (expected ${what})`);
    const bad = values.filter((value) => !ok(value));
    const of = values.length > 1 ? ` (${bad.length} of ${values.length} values)` : '';
    if (bad.length > 0) failures.push(`${subject} is ${shown(bad[0])}${of}, expected ${what}`);
  };
  if (matcher.equals !== undefined) each(shown(matcher.equals), (value) => deepEqual(value, matcher.equals));
  if (matcher.matches !== undefined) {
    const pattern = new RegExp(matcher.matches);
    each(`to match /${matcher.matches}/`, (value) =>
      pattern.test(typeof value === 'string' ? value : JSON.stringify(value)),
    );
  }
  if (matcher.greater !== undefined)
    each(`a number > ${matcher.greater}`, (value) => toNumber(value) > matcher.greater!);
  if (matcher.less !== undefined) each(`a number < ${matcher.less}`, (value) => toNumber(value) < matcher.less!);
  // A header has one value: "selects 0 value(s)" would read oddly there.
  const unique = [...new Set(failures.map((f) => f.replace(/ is missing \(expected .*\)$/, ' is missing')))];
  return isPath ? unique : unique.map((f) => f.replace(/selects (\d+) value\(s\)/, 'has $1 value(s)'));
}

function certificateFailures(response: HttpResponse, minDays: number, now: Date): string[] {
  if (!response.certificateValidTo) return ['no TLS certificate: the check needs an https URL'];
  const days = Math.floor((response.certificateValidTo.getTime() - now.getTime()) / DAY_MS);
  if (days < minDays)
    return [
      `TLS certificate expires ${response.certificateValidTo.toISOString()}, in ${days} day(s); at least ${minDays} required`,
    ];
  return [];
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
