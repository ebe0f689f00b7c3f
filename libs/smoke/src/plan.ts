import { SmokeInputError, SmokeInputErrors } from './errors.ts';
import { formatPath, type LoadedFile } from './file/load.ts';
import type { Path } from './file/positions.ts';
import type { Check } from './file/schema.ts';
import { jsonPathProblem } from './jsonpath.ts';
import { presetChecks } from './presets/index.ts';
import { NAMESPACES, referencesIn, render, stringsIn } from './template.ts';

export interface PlannedCheck {
  /** Position in the run (file order, presets where they are included). */
  index: number;
  check: Check;
  /** Where it comes from: a line of the file, or the include line of its preset. */
  file: string;
  line?: number;
  /** Indexes of the checks whose captures it uses: it starts after them, and is not run unless they passed. */
  needs: number[];
  /** Indexes of the checks its `after:` names: it starts once they have finished, whatever their result. */
  after: number[];
}

export interface Plan {
  baseUrl: URL;
  checks: PlannedCheck[];
  /** Left out by --tags / --skip-tags. */
  skipped: PlannedCheck[];
  vars: Record<string, string>;
  /** Names of captures marked secret. */
  secretCaptures: Set<string>;
}

export interface PlanInput {
  file: LoadedFile;
  url?: string;
  env: NodeJS.ProcessEnv;
  vars?: Record<string, string>;
  tags?: string[];
  skipTags?: string[];
}

const ENTRY_REMEDY = 'fix the check in the smoke file';

/** Everything a run needs, with every problem of the file found now: nothing is sent until this passes. */
export function planRun(input: PlanInput): Plan {
  const { file } = input;
  const problems: SmokeInputError[] = [];
  const problem = (message: string, line: number | undefined, remedy = ENTRY_REMEDY, inFile = true) =>
    problems.push(new SmokeInputError(message, { file: inFile ? file.path : undefined, line, remedy }));

  const all = expandChecks(file, problem);
  const vars = { ...file.content.vars, ...input.vars };
  const selected = all.filter((planned) => isSelected(planned.check.tags, input.tags, input.skipTags));
  const skipped = all.filter((planned) => !selected.includes(planned));

  for (const planned of all) checkExpressions(planned, file, problem);
  orderAfter(all, selected, file, problem);
  const secretCaptures = checkReferences(file, selected, skipped, { env: input.env, vars }, problem);
  checkSharedHeaders(file, { env: input.env, vars }, problem);
  const baseUrl = resolveBaseUrl(input, file, vars, problem);

  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new SmokeInputErrors(problems);
  return { baseUrl: baseUrl!, checks: selected, skipped, vars, secretCaptures };
}

type Problem = (message: string, line: number | undefined, remedy?: string, inFile?: boolean) => void;

function expandChecks(file: LoadedFile, problem: Problem): PlannedCheck[] {
  const planned: Omit<PlannedCheck, 'index' | 'needs' | 'after'>[] = [];
  file.content.include.forEach((include, i) => {
    const line = file.positions.lineOf(['include', i]);
    try {
      for (const check of presetChecks(include, { file: file.path, line }))
        planned.push({ check, file: file.path, line });
    } catch (error) {
      if (!(error instanceof SmokeInputError)) throw error;
      problem(error.message, line, error.remedy);
    }
  });
  file.content.checks.forEach((check, i) =>
    planned.push({ check, file: file.path, line: file.positions.lineOf(['checks', i]) }),
  );
  return planned.map((entry, index) => ({ ...entry, index, needs: [], after: [] }));
}

/**
 * Resolves each check's `after:` to the earlier checks of that name. A name no earlier check has is a
 * problem; a check that --tags/--skip-tags leave out is simply not waited for.
 */
function orderAfter(all: PlannedCheck[], selected: PlannedCheck[], file: LoadedFile, problem: Problem): void {
  for (const planned of all) {
    (planned.check.after ?? []).forEach((name, i) => {
      const earlier = all.filter((other) => other.index < planned.index && other.check.name === name);
      if (earlier.length === 0) {
        problem(
          `check "${planned.check.name}": after "${name}": no earlier check has that name`,
          lineIn(planned, file, ['after', i]),
          'name a check above this one, exactly as its name: reads',
        );
      }
      for (const other of earlier) if (selected.includes(other)) planned.after.push(other.index);
    });
  }
}

function isSelected(checkTags: string[], tags: string[] | undefined, skipTags: string[] | undefined): boolean {
  if (tags?.length && !checkTags.some((tag) => tags.includes(tag))) return false;
  return !skipTags?.some((tag) => checkTags.includes(tag));
}

/** The line of something inside a check: exact for the file's own checks, the include line for a preset's. */
function lineIn(planned: PlannedCheck, file: LoadedFile, path: Path, key?: string): number | undefined {
  const own = file.content.checks.indexOf(planned.check);
  if (own < 0) return planned.line;
  const full: Path = ['checks', own, ...path];
  return key === undefined ? file.positions.lineOf(full) : file.positions.lineOfKey(full, key);
}

function checkExpressions(planned: PlannedCheck, file: LoadedFile, problem: Problem): void {
  const { check } = planned;
  const name = `check "${check.name}"`;
  const jsonPath = (path: string, where: Path, key?: string) => {
    const why = jsonPathProblem(path);
    if (why)
      problem(
        `${name}: bad JSONPath ${JSON.stringify(path)}: ${why}`,
        lineIn(planned, file, where, key),
        'write a JSONPath such as $.items[0].id (jsonpath-plus syntax)',
      );
  };
  const regex = (pattern: string | undefined, where: Path) => {
    if (pattern === undefined) return;
    try {
      new RegExp(pattern);
    } catch (error) {
      problem(
        `${name}: ${formatPath(where)}: the regular expression does not compile: ${(error as Error).message}`,
        lineIn(planned, file, where),
        'write a JavaScript regular expression (escape \\ as \\\\ inside double quotes)',
      );
    }
  };
  for (const [path, matcher] of Object.entries(check.assert?.json ?? {})) {
    jsonPath(path, ['assert', 'json'], path);
    regex(matcher.matches, ['assert', 'json', path, 'matches']);
  }
  for (const [header, matcher] of Object.entries(check.assert?.headers ?? {}))
    regex(matcher.matches, ['assert', 'headers', header, 'matches']);
  regex(check.assert?.body?.matches, ['assert', 'body', 'matches']);
  for (const [captureName, capture] of Object.entries(check.capture ?? {})) {
    if (typeof capture === 'string') jsonPath(capture, ['capture', captureName]);
    else {
      if (capture.jsonpath !== undefined) jsonPath(capture.jsonpath, ['capture', captureName, 'jsonpath']);
      regex(capture.regex, ['capture', captureName, 'regex']);
    }
  }
  if (check.build) {
    jsonPath(check.build.version, ['build', 'version']);
    jsonPath(check.build.commit, ['build', 'commit']);
  }
}

/**
 * Placeholders name known namespaces, variables that have values, and captures an earlier check
 * that runs sets. Returns the names of captures marked secret.
 */
function checkReferences(
  file: LoadedFile,
  selected: PlannedCheck[],
  skipped: PlannedCheck[],
  scope: { env: NodeJS.ProcessEnv; vars: Record<string, string> },
  problem: Problem,
): Set<string> {
  const capturedBy = new Map<string, PlannedCheck>();
  const secret = new Set<string>();
  const skippedCaptures = new Map(
    skipped.flatMap((planned) => Object.keys(planned.check.capture ?? {}).map((name) => [name, planned] as const)),
  );
  for (const planned of selected) {
    const { check } = planned;
    const fields = {
      name: check.name,
      path: check.path,
      url: check.url,
      headers: check.headers,
      body: check.body,
      assert: check.assert,
    };
    for (const [text, path] of stringsIn(fields)) {
      const line = lineIn(planned, file, path);
      for (const ref of referencesIn(text)) {
        const where = `check "${check.name}": ${ref.text}`;
        if (!(NAMESPACES as readonly string[]).includes(ref.namespace)) {
          problem(
            `${where}: unknown placeholder`,
            line,
            'write {{ env.NAME }}, {{ vars.name }} or {{ captured.name }}',
          );
        } else if (ref.namespace === 'env' && scope.env[ref.name] === undefined) {
          problem(
            `${where}: ${ref.name} is not set in the environment`,
            line,
            `set ${ref.name}, or leave this check out with --skip-tags`,
          );
        } else if (ref.namespace === 'vars' && scope.vars[ref.name] === undefined) {
          problem(
            `${where}: no variable ${ref.name}`,
            line,
            `add ${ref.name} under vars: in the file, or pass --var ${ref.name}=<value>`,
          );
        } else if (ref.namespace === 'captured' && !capturedBy.has(ref.name)) {
          const leftOut = skippedCaptures.get(ref.name);
          problem(
            leftOut
              ? `${where}: captured by "${leftOut.check.name}", which --tags/--skip-tags leave out`
              : `${where}: used before any check captures ${ref.name}`,
            line,
            leftOut
              ? `select "${leftOut.check.name}" too, or leave this check out`
              : `capture ${ref.name} in an earlier check (capture: { ${ref.name}: $.path })`,
          );
        } else if (ref.namespace === 'captured') {
          const producer = capturedBy.get(ref.name)!;
          if (!planned.needs.includes(producer.index)) planned.needs.push(producer.index);
        }
      }
    }
    for (const [name, capture] of Object.entries(check.capture ?? {})) {
      capturedBy.set(name, planned);
      if (typeof capture !== 'string' && capture.secret) secret.add(name);
    }
  }
  return secret;
}

/** Headers sent with every check may use env and vars, never a capture (nothing is captured before the first). */
function checkSharedHeaders(
  file: LoadedFile,
  scope: { env: NodeJS.ProcessEnv; vars: Record<string, string> },
  problem: Problem,
): void {
  for (const [text, path] of stringsIn(file.content.headers)) {
    const line = file.positions.lineOf(['headers', ...path]);
    for (const ref of referencesIn(text)) {
      const known =
        (ref.namespace === 'env' && scope.env[ref.name] !== undefined) ||
        (ref.namespace === 'vars' && scope.vars[ref.name] !== undefined);
      if (!known)
        problem(
          `headers: ${ref.text} has no value`,
          line,
          'use {{ env.NAME }} of a set variable or {{ vars.name }} of a defined one',
        );
    }
  }
}

function resolveBaseUrl(
  input: PlanInput,
  file: LoadedFile,
  vars: Record<string, string>,
  problem: Problem,
): URL | undefined {
  const [raw, source, line] = input.url
    ? [input.url, '--url', undefined]
    : input.env.SMOKE_BASE_URL
      ? [input.env.SMOKE_BASE_URL, 'SMOKE_BASE_URL', undefined]
      : [file.content.baseUrl, 'baseUrl', file.positions.lineOf(['baseUrl'])];
  const remedy = 'give an http:// or https:// URL with --url, SMOKE_BASE_URL or baseUrl in the file';
  if (!raw) {
    problem('no base URL to check', undefined, remedy, false);
    return undefined;
  }
  let text: string;
  try {
    text = render(raw, { env: input.env, vars, captured: {} });
  } catch (error) {
    problem(`${source}: ${(error as Error).message}`, line, remedy, source === 'baseUrl');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problem(`${source} ${JSON.stringify(text)} is not a URL`, line, remedy, source === 'baseUrl');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problem(
      `${source} ${JSON.stringify(url.protocol.slice(0, -1))} URL: only http and https can be checked`,
      line,
      remedy,
      source === 'baseUrl',
    );
    return undefined;
  }
  return url;
}
