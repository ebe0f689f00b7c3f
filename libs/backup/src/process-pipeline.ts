import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { BackupError, describeError } from './errors.ts';
import { maskSecrets } from './mask.ts';
import { summarizeStderr } from './stderr-summary.ts';
import { spawnProgram, type ProgramFailure, type SpawnedProgram } from './spawn-program.ts';

export interface PipelineCommand {
  /** Program name for messages, e.g. 'pg_dump'. */
  label: string;
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  remedy?: string;
}

export interface RunningPipeline {
  /**
   * The last program's stdout. It ends only after every program exited with 0, so a consumer
   * (an upload, a file) never mistakes a truncated stream for a complete one; on failure it errors.
   */
  output: Readable;
  /** Settles when every program has exited: rejects with a BackupError naming the root cause. */
  done: Promise<void>;
  /** Stops every program, e.g. because the consumer failed. */
  abort(): void;
}

/**
 * Runs `a | b | c` without a shell, optionally fed from `input`. Neighbours are joined by OS pipes, as
 * a shell joins them: hundreds of MiB of uncompressed dump never pass through Node.
 */
export function runPipeline(commands: PipelineCommand[], options: { input?: Readable; sink?: boolean } = {}) {
  const signalledByUs = new Set<number>();
  // Last to first, so each program can write straight into the stdin pipe of the one after it.
  const programs: SpawnedProgram[] = [];
  for (let index = commands.length - 1; index >= 0; index--) {
    const command = commands[index]!;
    const downstream = programs[0]?.child.stdin ?? undefined;
    const isLast = index === commands.length - 1;
    programs.unshift(
      spawnProgram(command.file, command.args, {
        env: command.env,
        stdin: index === 0 && !options.input ? 'ignore' : 'pipe',
        stdout: downstream ?? (isLast && options.sink ? 'ignore' : 'pipe'),
      }),
    );
    // The program holds the pipe's write end now; ours would keep the reader from ever seeing EOF.
    downstream?.destroy();
  }
  const abort = () =>
    programs.forEach(({ child }, index) => {
      // A paused stdout with unread data never closes, and the program's 'close' waits for it.
      child.stdout?.unpipe().resume();
      if (child.exitCode === null && child.signalCode === null) {
        signalledByUs.add(index);
        child.kill('SIGTERM');
      }
    });

  let inputError: unknown;
  const stdin = programs[0]?.child.stdin;
  if (options.input && stdin) {
    stdin.on('error', () => undefined);
    options.input.on('error', (error) => {
      inputError ??= error;
      abort();
    });
    options.input.pipe(stdin);
  }

  const done = settle(programs, commands, signalledByUs, abort, () => inputError);
  const output = new PassThrough();
  const last = programs.at(-1)?.child.stdout;
  if (last && !options.sink) {
    last.pipe(output, { end: false });
    Promise.all([once(last, 'end'), done]).then(
      () => output.end(),
      (error: unknown) => output.destroy(error as Error),
    );
  } else {
    done.catch(() => undefined);
    output.end();
  }
  return { output, done, abort } satisfies RunningPipeline;
}

async function settle(
  programs: SpawnedProgram[],
  commands: PipelineCommand[],
  signalledByUs: Set<number>,
  abort: () => void,
  inputError: () => unknown,
): Promise<void> {
  // One failure (say pg_dump killed) makes the others pointless; stop them instead of waiting.
  programs.forEach(({ exited }) => exited.catch(() => abort()));
  const results = await Promise.allSettled(programs.map(({ exited }) => exited));
  if (inputError()) {
    throw inputError() instanceof BackupError
      ? inputError()
      : new BackupError(`reading the archive failed: ${describeError(inputError())}`, { cause: inputError() });
  }
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [{ index, failure: result.reason as ProgramFailure }] : [],
  );
  if (failures.length === 0) return;
  // Downstream programs fail because upstream died and vice versa: the root cause is the last failure
  // that is not a consequence of another one.
  const isConsequence = ({ index, failure }: (typeof failures)[number]) =>
    isSecondaryFailure(failure, signalledByUs.has(index));
  const rootCause = [...failures].reverse().find((failed) => !isConsequence(failed)) ?? failures[0]!;
  throw processFailure(commands[rootCause.index], rootCause.failure);
}

/**
 * SIGPIPE means the reader went away first; our own SIGTERM means we stopped the program because another
 * failed. Judged by how the program ended, not by whether we signalled it: a program that exited on its
 * own just before our signal arrived keeps its real exit status.
 */
function isSecondaryFailure(failure: ProgramFailure, signalledByUs: boolean): boolean {
  return failure.signal === 'SIGPIPE' || (signalledByUs && failure.signal === 'SIGTERM');
}

function processFailure(command: PipelineCommand | undefined, error: unknown): BackupError {
  const failed = error as Partial<ProgramFailure>;
  const label = command?.label ?? 'a program';
  if (failed.code === 'ENOENT') {
    return new BackupError(`${label} not found (${command?.file})`, {
      remedy: `install it (Debian: apt-get install ${label === 'zstd' ? 'zstd' : 'postgresql-client'}) or set --pg-bin-dir`,
      cause: error,
    });
  }
  const stderr = typeof failed.stderr === 'string' ? failed.stderr.trim() : '';
  const lastLine = summarizeStderr(stderr);
  const how = failed.signal ? `was killed by ${failed.signal}` : `failed (exit ${failed.exitCode ?? '?'})`;
  return new BackupError(maskSecrets(`${label} ${how}${lastLine ? `: ${lastLine}` : ''}`), {
    remedy: command?.remedy,
    cause: error,
  });
}
