import { stringify } from 'yaml';
import { runSteps, steps, type WorkflowFile } from './workflow-file.ts';

/**
 * `uses:` that name a version: owner/repo[/path]@<tag like v4, 1.6 or v5.0.1, or a full commit SHA>, a
 * local action (./…), or docker://image with a tag other than latest or a digest. A branch (main,
 * master) moves under the workflow and is refused.
 */
export function isPinned(uses: string): boolean {
  if (uses.startsWith('./')) return true;
  if (uses.startsWith('docker://')) {
    const image = uses.slice('docker://'.length);
    return /@sha256:[0-9a-f]{64}$/.test(image) || /:[\w.-]+$/.test(image.replace(/:latest$/, ''));
  }
  const match = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(.+)$/.exec(uses);
  if (!match) return false;
  const ref = match[2]!;
  return /^v?\d+(\.\d+){0,2}$/.test(ref) || /^[0-9a-f]{40}$/.test(ref);
}

/** Every `uses:` of the file: steps' actions and jobs' reusable workflows. */
export function usesOf(file: WorkflowFile): { where: string; uses: string }[] {
  const jobs = Object.entries(file.workflow.jobs)
    .filter(([, job]) => job.uses)
    .map(([jobId, job]) => ({ where: `${file.path} job ${jobId}`, uses: job.uses! }));
  const actions = steps(file)
    .filter(({ step }) => step.uses)
    .map(({ jobId, step }) => ({ where: `${file.path} job ${jobId}`, uses: step.uses! }));
  return [...jobs, ...actions];
}

/** The secrets each job reads (`secrets.NAME` anywhere in it), and those the workflow's own env reads. */
export function secretsRead(file: WorkflowFile): Map<string, Set<string>> {
  const names = (text: string) => new Set([...text.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
  const read = new Map<string, Set<string>>();
  if (file.workflow.env) read.set('(workflow env)', names(stringify(file.workflow.env)));
  for (const [jobId, job] of Object.entries(file.workflow.jobs)) read.set(jobId, names(stringify(job)));
  return read;
}

export type NxCommand =
  | { kind: 'run'; text: string; project: string; target: string; configuration?: string }
  | { kind: 'targets'; text: string; targets: string[] }
  | { kind: 'other'; text: string; subcommand: string };

/**
 * The nx invocations of a script (`npx nx …`, `nx …`), one per command line: continuation lines joined,
 * a command ending at a newline, `;`, `&&`, `||` or `|`.
 */
export function nxCommands(script: string): NxCommand[] {
  const joined = script.replace(/\\\n\s*/g, ' ');
  const commands: NxCommand[] = [];
  for (const match of joined.matchAll(/(?:^|[\s;&|("'])(?:npx\s+)?nx\s+([^\n;&|)]*)/g)) {
    const text = `nx ${match[1]!.trim()}`;
    const words = match[1]!.trim().split(/\s+/);
    const subcommand = words[0] ?? '';
    if (subcommand === 'run' && words[1]) {
      const [project, target, configuration] = unquote(words[1]).split(':') as [string, string?, string?];
      if (target) commands.push({ kind: 'run', text, project, target, configuration });
      continue;
    }
    if (['affected', 'run-many'].includes(subcommand)) {
      commands.push({ kind: 'targets', text, targets: targetsOption(words) });
      continue;
    }
    commands.push({ kind: 'other', text, subcommand });
  }
  return commands;
}

/** Every nx command the run: steps of the file run, with where. */
export function nxCommandsOf(file: WorkflowFile): { where: string; command: NxCommand }[] {
  return runSteps(file).flatMap((step) =>
    nxCommands(step.step.run!).map((command) => ({ where: step.label, command })),
  );
}

function targetsOption(words: string[]): string[] {
  for (const [index, word] of words.entries()) {
    const inline = /^(?:-t|--targets?)=(.+)$/.exec(word);
    if (inline) return unquote(inline[1]!).split(',');
    if (['-t', '--target', '--targets'].includes(word) && words[index + 1])
      return unquote(words[index + 1]!).split(',');
  }
  return [];
}

const unquote = (word: string) => word.replace(/^["']|["']$/g, '');

/** The names in backticks of the first column of every table row in the markdown `section` (a `## ` heading). */
export function documentedNames(markdown: string, heading: string): Set<string> {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start === -1) return new Set();
  const rest = markdown.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  const section = end === -1 ? rest : rest.slice(0, end);
  return new Set([...section.matchAll(/^\|\s*`([A-Za-z_][A-Za-z0-9_]*)`/gm)].map((m) => m[1]!));
}
