import { runWithConvention } from '@shopops/cli';
import { maskSecrets } from '@shopops/postgres';
import { parseCommandLine, usage } from './cli-options.ts';
import { CanaryError, CanaryInputError, EXIT } from './errors.ts';
import { planText } from './plan-text.ts';
import { resultText } from './report.ts';
import { runCanary } from './run-canary.ts';

export interface CliIo {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown; isTTY?: boolean };
  /** Aborted on Ctrl-C (main.ts wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
}

/** The `fly-canary` CLI; returns the exit code (0, 1, 2 or 3) and never throws. */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const mask = (text: string) => maskToken(maskSecrets(text), env);
  const convention = { tool: 'fly-canary', prefix: () => 'fly-canary', mask };
  return runWithConvention(convention, { stdout, stderr, env } as Parameters<typeof runWithConvention>[1], async () => {
    const { options, help } = parseCommandLine(argv);
    if (help) {
      stdout.write(`${usage()}\n`);
      return EXIT.released;
    }
    const { report, exitCode } = await runCanary(options, {
      env,
      cwd: io.cwd,
      signal: io.signal,
      ...(stderr.isTTY ? { progress: (line: string) => stderr.write(`${mask(line)}\n`) } : {}),
    });
    if (options.json) stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else stdout.write(report.outcome === 'planned' ? planText(report) : resultText(report));
    return exitCode;
  });
}

const maskToken = (text: string, env: NodeJS.ProcessEnv) => {
  const token = env.FLY_API_TOKEN?.trim();
  return token ? text.replaceAll(token, '***') : text;
};

/** `fly-canary: <what>` and `  remedy: <what to do>`, for the executor; the stack with DEBUG=1; never the token. */
export function errorText(error: unknown, env: NodeJS.ProcessEnv): string {
  const remedy = error instanceof CanaryInputError || error instanceof CanaryError ? error.remedy : undefined;
  const lines = [
    `fly-canary: ${(error as Error).message ?? String(error)}`,
    ...(remedy ? [`  remedy: ${remedy}`] : []),
  ];
  if (env.DEBUG) lines.push((error as Error).stack ?? '');
  return `${maskToken(maskSecrets(lines.join('\n')), env)}\n`;
}
