import { parseCommandLine, usage } from './cli-options.ts';
import { EXIT, SmokeInputError } from './errors.ts';
import { errorText, resultText } from './reports/console.ts';
import { jsonReport } from './reports/write.ts';
import { runSmoke } from './run-smoke.ts';

export interface CliIo {
  env?: NodeJS.ProcessEnv;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown; isTTY?: boolean };
}

/** The `smoke` CLI; returns the exit code (0, 1, 2 or 64) and never throws. */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  try {
    const { options, help } = parseCommandLine(argv);
    if (help) {
      stdout.write(`${usage()}\n`);
      return EXIT.passed;
    }
    const result = await runSmoke(options, {
      env,
      ...(stderr.isTTY ? { progress: (line: string) => stderr.write(`${line}\n`) } : {}),
    });
    stdout.write(options.json ? jsonReport(result) : resultText(result));
    return result.exitCode;
  } catch (error) {
    stderr.write(errorText(error, env));
    return error instanceof SmokeInputError ? EXIT.invalid : EXIT.failed;
  }
}
