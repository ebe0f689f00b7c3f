import { execa } from 'execa';

export interface ShellFinding {
  line: number;
  column: number;
  code: string;
  level: string;
  message: string;
}

/**
 * What actionlint's own shellcheck rule leaves out: a ${{ }} expression stands in as a plain word, so
 * these would only report the stand-in; and a variable the workflow's `env:` sets looks unassigned.
 */
const excluded = ['SC1091', 'SC2050', 'SC2154', 'SC2157', 'SC2194'];

/** ${{ … }} replaced by underscores of the same length, as actionlint does, so columns stay where they were. */
export function withoutExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => expression.replace(/[^\n]/g, '_'));
}

/** Debian's shellcheck on one `run:` script, as the shell GitHub runs it with (bash unless the step says sh). */
export async function shellcheck(script: string, shell = 'bash'): Promise<ShellFinding[]> {
  const dialect = /^(sh|bash|dash|ksh)\b/.exec(shell)?.[1];
  if (!dialect) throw new Error(`shellcheck: shell "${shell}" is not a POSIX shell it can check`);
  const result = await execa(
    'shellcheck',
    ['--shell', dialect, '--format', 'json1', '--exclude', excluded.join(','), '-'],
    { input: withoutExpressions(script), reject: false },
  );
  // 0: clean, 1: findings; anything else is shellcheck itself failing.
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new Error(`shellcheck failed (exit ${result.exitCode}): ${result.stderr || result.message}`);
  }
  const { comments } = JSON.parse(result.stdout) as {
    comments: { line: number; column: number; code: number; level: string; message: string }[];
  };
  return comments.map((c) => ({ ...c, code: `SC${c.code}` }));
}
