import { performance } from 'node:perf_hooks';
import { failedAssertions } from './assertions.ts';
import { retryDelayMs, sleep } from './backoff.ts';
import { sameCommit, type ExpectedBuild } from './expected-build.ts';
import type { Capture, Check } from './file/schema.ts';
import { sendRequest, UnreachableError, type HttpResponse } from './http-request.ts';
import { select } from './jsonpath.ts';
import type { Secrets } from './secrets.ts';
import { renderDeep, type Scope } from './template.ts';

export type CheckStatus = 'passed' | 'failed' | 'unreachable';

export interface AnsweredBuild {
  version: string | null;
  commit: string | null;
}

export interface CheckResult {
  name: string;
  method: string;
  url: string;
  tags: string[];
  status: CheckStatus;
  attempts: number;
  /** Of the last attempt; null when no response came. */
  latencyMs: number | null;
  httpStatus: number | null;
  /** Every failed assertion of the last attempt (or why it could not be made). */
  failures: string[];
  /** For a check with `build:`: what the answering build said. */
  build?: AnsweredBuild;
  durationMs: number;
}

export interface CheckContext {
  baseUrl: URL;
  scope: Scope;
  headers: Record<string, string>;
  expected: ExpectedBuild;
  secrets: Secrets;
  secretCaptures: Set<string>;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  /** performance.now() by which everything must be over. */
  deadline: number;
  ca?: string;
  onAttempt?: (check: Check, attempt: number, failures: string[], retryInMs: number | undefined) => void;
}

interface Attempt {
  status: CheckStatus;
  failures: string[];
  response?: HttpResponse;
  build?: AnsweredBuild;
  captured: Record<string, string>;
  capturedValues?: Record<string, unknown>;
}

/** One check, retried with exponential backoff while it fails and the deadline allows. */
export async function runCheck(check: Check, context: CheckContext): Promise<CheckResult> {
  const started = performance.now();
  const retries = check.retries ?? context.retries;
  const { body: rawBody, ...rest } = { body: check.body, path: check.path, url: check.url, headers: check.headers };
  // Paths and headers are text; only the body keeps captured numbers as numbers.
  const request = {
    ...renderDeep(rest, { ...context.scope, capturedValues: undefined }),
    body: renderDeep(rawBody, context.scope),
  };
  const url = request.url ? new URL(request.url) : joinUrl(context.baseUrl, request.path!);
  const headers = { ...context.headers, ...lowerCaseKeys(request.headers ?? {}) };
  context.secrets.addHeaders(headers);
  const assertions = renderDeep(check, context.scope);

  let attempts = 0;
  let last: Attempt;
  let answered: Attempt | undefined;
  for (;;) {
    attempts++;
    last = await attempt(assertions, { url, headers, body: request.body }, context);
    if (last.response) answered = last;
    // An attempt the deadline cut short says nothing about reachability: the last answer is the verdict.
    if (last.status === 'unreachable' && answered && performance.now() >= context.deadline - 1) {
      last = { ...answered, failures: [...answered.failures, 'the next attempt was cut off by the deadline'] };
      break;
    }
    const delay = retryDelayMs(context.retryDelayMs, attempts);
    const canRetry = last.status !== 'passed' && attempts <= retries && performance.now() + delay < context.deadline;
    context.onAttempt?.(assertions, attempts, last.failures, canRetry ? delay : undefined);
    if (!canRetry) break;
    await sleep(delay);
  }
  if (last.status === 'passed') {
    Object.assign(context.scope.captured, last.captured);
    Object.assign((context.scope.capturedValues ??= {}), last.capturedValues);
  }
  return {
    name: assertions.name,
    method: check.method,
    url: url.toString(),
    tags: check.tags,
    status: last.status,
    attempts,
    latencyMs: last.response?.latencyMs ?? null,
    httpStatus: last.response?.status ?? null,
    failures: last.failures,
    ...(check.build ? { build: last.build ?? { version: null, commit: null } } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

async function attempt(
  check: Check,
  request: { url: URL; headers: Record<string, string>; body: unknown },
  context: CheckContext,
): Promise<Attempt> {
  const remaining = Math.floor(context.deadline - performance.now());
  if (remaining <= 0)
    return { status: 'unreachable', failures: ['the deadline passed before this check could run'], captured: {} };
  const { body, contentType } = encodeBody(request.body);
  let response: HttpResponse;
  try {
    response = await sendRequest({
      method: check.method,
      url: request.url,
      headers: {
        ...(contentType && !request.headers['content-type'] ? { 'content-type': contentType } : {}),
        ...request.headers,
      },
      body,
      timeoutMs: Math.min(context.timeoutMs, remaining),
      ca: context.ca,
    });
  } catch (error) {
    if (error instanceof UnreachableError) return { status: 'unreachable', failures: [error.message], captured: {} };
    throw error;
  }
  context.secrets.addHeaders({ 'set-cookie': response.headers['set-cookie'] ?? '' });
  const json = parseJson(response);
  const failures = failedAssertions(check, response, json);
  const build = check.build ? answeredBuild(check.build, json) : undefined;
  if (build) failures.push(...buildFailures(build, context.expected));
  const capturedValues = captures(check.capture ?? {}, response, json, failures);
  const captured = Object.fromEntries(
    Object.entries(capturedValues).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  for (const [name, value] of Object.entries(captured))
    if (context.secretCaptures.has(name)) context.secrets.add(value);
  return { status: failures.length ? 'failed' : 'passed', failures, response, build, captured, capturedValues };
}

function encodeBody(body: unknown): { body?: string; contentType?: string } {
  if (body === undefined) return {};
  if (typeof body === 'string') return { body };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function parseJson(response: HttpResponse): unknown {
  if (!/\bjson\b/i.test(response.headers['content-type'] ?? '') && !/^\s*[[{]/.test(response.body)) return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

function answeredBuild(paths: { version: string; commit: string }, json: unknown): AnsweredBuild {
  const first = (path: string) => {
    const value = select(path, json)[0];
    return value === undefined || value === null ? null : String(value);
  };
  return { version: first(paths.version), commit: first(paths.commit) };
}

function buildFailures(answered: AnsweredBuild, expected: ExpectedBuild): string[] {
  const from = expected.image ? ` (from ${expected.image})` : '';
  const failures: string[] = [];
  if (expected.version !== undefined && answered.version !== expected.version)
    failures.push(`version ${answered.version ?? 'unknown'} answered, expected ${expected.version}${from}`);
  if (expected.commit !== undefined && (answered.commit === null || !sameCommit(expected.commit, answered.commit)))
    failures.push(`commit ${answered.commit ?? 'unknown'} answered, expected ${expected.commit}${from}`);
  return failures;
}

function captures(
  wanted: Record<string, Capture>,
  response: HttpResponse,
  json: unknown,
  failures: string[],
): Record<string, unknown> {
  const captured: Record<string, unknown> = {};
  for (const [name, capture] of Object.entries(wanted)) {
    const spec: Exclude<Capture, string> = typeof capture === 'string' ? { jsonpath: capture, secret: false } : capture;
    let value: unknown;
    if (spec.jsonpath !== undefined) value = select(spec.jsonpath, json)[0];
    else if (spec.header !== undefined) value = response.headers[spec.header.toLowerCase()];
    else if (spec.regex !== undefined) {
      const match = new RegExp(spec.regex).exec(response.body);
      value = match ? (match[1] ?? match[0]) : undefined;
    }
    if (value === undefined || value === null) failures.push(`capture ${name}: nothing found`);
    else captured[name] = value;
  }
  return captured;
}

function joinUrl(base: URL, path: string): URL {
  const url = new URL(base);
  const [pathname, query] = path.split(/\?(.*)/s, 2);
  url.pathname = `${base.pathname.replace(/\/$/, '')}/${pathname!.replace(/^\//, '')}`;
  url.search = query ? `?${query}` : '';
  return url;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
