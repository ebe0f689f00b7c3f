import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { EXIT, SmokeInputError, SmokeInputErrors } from './errors.ts';
import { expectedBuild, type ExpectedBuild } from './expected-build.ts';
import { loadSmokeFile } from './file/load.ts';
import { closeConnections } from './http-request.ts';
import { smokeOptionsSchema, type SmokeOptions } from './options.ts';
import { planRun, type Plan, type PlannedCheck } from './plan.ts';
import { writeReports } from './reports/write.ts';
import { summaryLine } from './reports/summary.ts';
import { runCheck, type AnsweredBuild, type CheckContext, type CheckResult } from './run-check.ts';
import { Secrets } from './secrets.ts';
import { referencesIn, render, stringsIn } from './template.ts';

export interface SmokeResult {
  /** 0 all passed, 1 an assertion failed, 2 the target could not be reached. */
  exitCode: 0 | 1 | 2;
  baseUrl: string;
  file: string;
  passed: number;
  failed: number;
  unreachable: number;
  /** Names of the checks --tags / --skip-tags left out. */
  skipped: string[];
  durationMs: number;
  /** What the first check with `build:` saw; null where nothing said. */
  answered: AnsweredBuild;
  expected: ExpectedBuild;
  checks: CheckResult[];
  summary: string;
}

export interface RunIo {
  env?: NodeJS.ProcessEnv;
  /** Receives one line per attempt (the CLI passes it only on a TTY). */
  progress?: (line: string) => void;
}

/**
 * Runs a smoke file against a deployment. Invalid input throws SmokeInputError (exit 64) before any
 * request is sent; everything else is in the result, secrets already masked.
 */
export async function runSmoke(rawOptions: SmokeOptions, io: RunIo = {}): Promise<SmokeResult> {
  const env = io.env ?? process.env;
  const options = parseSmokeOptions(rawOptions);
  const filePath = smokeFilePath(options.file);
  const file = loadSmokeFile(filePath);
  const plan = planRun({
    file,
    url: options.url,
    env,
    vars: options.vars,
    tags: options.tags,
    skipTags: options.skipTags,
  });
  const expected = expectedBuild(options);
  if ((expected.version ?? expected.commit) !== undefined && !plan.checks.some((p) => p.check.build))
    throw new SmokeInputError('--expect-version/--expect-commit/--expect-image need a check that reads the build', {
      file: file.path,
      remedy:
        'include the api or web preset (their /version check), or add `build: { version: $.version, commit: $.commit }` to a check',
    });
  const ca = options.caFile ? readCa(options.caFile) : undefined;

  const secrets = new Secrets();
  const headers = lowerCaseKeys(
    Object.fromEntries(
      Object.entries({ ...file.content.headers, ...options.headers }).map(([name, value]) => [
        name,
        render(value, { env, vars: plan.vars, captured: {} }),
      ]),
    ),
  );
  secrets.addHeaders(headers);
  secrets.addEnvironment(env, environmentNamesUsed(plan, file.content.headers));

  const started = performance.now();
  const context: CheckContext = {
    baseUrl: plan.baseUrl,
    scope: { env, vars: plan.vars, captured: {} },
    headers,
    expected,
    secrets,
    secretCaptures: plan.secretCaptures,
    timeoutMs: options.timeout,
    retries: options.retries,
    retryDelayMs: options.retryDelay,
    deadline: started + options.deadline,
    ca,
    onAttempt: io.progress && progressReporter(io.progress, secrets),
  };
  let checks: CheckResult[];
  try {
    checks = await runAll(plan, context, options.concurrency);
  } finally {
    closeConnections();
  }
  const result = assemble(plan, checks, expected, file.path, Math.round(performance.now() - started));
  const masked = secrets.maskDeep(result);
  writeReports(masked, options);
  return masked;
}

export function parseSmokeOptions(options: SmokeOptions) {
  const parsed = smokeOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  throw new SmokeInputErrors(
    parsed.error.issues.map(
      (issue) =>
        new SmokeInputError(`--${kebab(String(issue.path[0] ?? '?'))}: ${issue.message}`, {
          remedy: 'see smoke --help',
        }),
    ),
  );
}

export type ParsedSmokeOptions = z.output<typeof smokeOptionsSchema>;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function smokeFilePath(file: string | undefined): string {
  if (file) return resolve(file);
  const found = ['smoke.yaml', 'smoke.yml', 'smoke.json'].map((name) => resolve(name)).find((path) => existsSync(path));
  if (!found)
    throw new SmokeInputError('no smoke file: no smoke.yaml, smoke.yml or smoke.json here', {
      remedy: 'pass --file <path to the smoke file>',
    });
  return found;
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new SmokeInputError(`--ca-file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      remedy: 'give a readable PEM file of certificate authorities',
    });
  }
}

/**
 * Checks start in file order as soon as a slot is free and the checks they wait for are done: those whose
 * captures they use (and which must have passed) and those their `after:` names (whatever their result).
 */
async function runAll(plan: Plan, context: CheckContext, concurrency: number): Promise<CheckResult[]> {
  const results = new Map<number, CheckResult>();
  const waiting = [...plan.checks];
  let running = 0;
  let wake: () => void = () => undefined;
  const ready = (planned: PlannedCheck) =>
    planned.needs.every((index) => results.has(index)) && planned.after.every((index) => results.has(index));
  while (waiting.length > 0 || running > 0) {
    const next = waiting.find(ready);
    if (next && running < concurrency) {
      waiting.splice(waiting.indexOf(next), 1);
      running++;
      const blocked = next.needs.map((index) => results.get(index)!).find((r) => r.status !== 'passed');
      const promise = blocked ? Promise.resolve(blockedResult(next, blocked)) : runCheck(next.check, context);
      void promise.then((result) => {
        results.set(next.index, result);
        running--;
        wake();
      });
      continue;
    }
    await new Promise<void>((resolve) => (wake = resolve));
  }
  return plan.checks.map((planned) => results.get(planned.index)!);
}

function blockedResult(planned: PlannedCheck, producer: CheckResult): CheckResult {
  return {
    name: planned.check.name,
    method: planned.check.method,
    url: planned.check.url ?? planned.check.path ?? '',
    tags: planned.check.tags,
    status: 'failed',
    attempts: 0,
    latencyMs: null,
    httpStatus: null,
    failures: [`not run: it uses a capture of "${producer.name}", which did not pass`],
    durationMs: 0,
  };
}

function assemble(
  plan: Plan,
  checks: CheckResult[],
  expected: ExpectedBuild,
  file: string,
  durationMs: number,
): SmokeResult {
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  const [failed, unreachable] = [count('failed'), count('unreachable')];
  const answered = checks.find((c) => c.build && (c.build.version ?? c.build.commit) !== null)?.build ?? {
    version: null,
    commit: null,
  };
  const exitCode = unreachable > 0 ? EXIT.unreachable : failed > 0 ? EXIT.failed : EXIT.passed;
  const result: Omit<SmokeResult, 'summary'> = {
    exitCode,
    baseUrl: plan.baseUrl.toString(),
    file,
    passed: count('passed'),
    failed,
    unreachable,
    skipped: plan.skipped.map((p) => p.check.name),
    durationMs,
    answered,
    expected,
    checks,
  };
  return { ...result, summary: summaryLine(result) };
}

function environmentNamesUsed(plan: Plan, sharedHeaders: Record<string, string>): string[] {
  const texts = [...stringsIn(sharedHeaders), ...plan.checks.flatMap((p) => [...stringsIn(p.check)])];
  return texts.flatMap(([text]) =>
    referencesIn(text)
      .filter((r) => r.namespace === 'env')
      .map((r) => r.name),
  );
}

function progressReporter(progress: (line: string) => void, secrets: Secrets): CheckContext['onAttempt'] {
  return (check, attempt, failures, retryInMs) => {
    const mark = failures.length === 0 ? '✓' : retryInMs !== undefined ? '…' : '✗';
    const why = failures.length ? `: ${failures.join('; ')}` : '';
    const retry =
      retryInMs !== undefined
        ? ` (attempt ${attempt}, retrying in ${retryInMs} ms)`
        : attempt > 1
          ? ` (attempt ${attempt})`
          : '';
    progress(secrets.mask(`${mark} ${check.name}${why}${retry}`));
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
