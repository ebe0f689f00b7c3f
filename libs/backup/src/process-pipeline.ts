import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { BackupError, describeError } from './errors.ts';
import { maskSecrets } from './mask.ts';

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

/** Runs `a | b | c` without a shell, optionally fed from `input`. */
export function runPipeline(commands: PipelineCommand[], options: { input?: Readable; sink?: boolean } = {}) {
  const killedByUs = new Set<number>();
  const processes = commands.map((command, index) =>
    execa(command.file, command.args, {
      env: command.env,
      stdin: index === 0 && !options.input ? 'ignore' : 'pipe',
      stdout: index === commands.length - 1 && options.sink ? 'ignore' : 'pipe',
      stderr: 'pipe',
      buffer: { stdout: false, stderr: true },
      maxBuffer: { stderr: 1024 * 1024 },
    }),
  );
  const abort = () =>
    processes.forEach((process_, index) => {
      // A paused stdout with unread data never ends, and the process's promise waits for that end.
      process_.stdout?.unpipe().resume();
      if (process_.exitCode === null && process_.signalCode === null) {
        killedByUs.add(index);
        process_.kill('SIGTERM');
      }
    });

  let inputError: unknown;
  if (options.input) {
    const stdin = processes[0]?.stdin;
    stdin?.on('error', () => undefined);
    options.input.on('error', (error) => {
      inputError ??= error;
      abort();
    });
    if (stdin) options.input.pipe(stdin);
  }
  processes.slice(1).forEach((process_, index) => {
    process_.stdin?.on('error', () => undefined);
    const upstream = processes[index]?.stdout;
    if (upstream && process_.stdin) upstream.pipe(process_.stdin);
  });

  const done = settle(processes, commands, killedByUs, abort, () => inputError);
  const output = new PassThrough();
  const last = processes[processes.length - 1]?.stdout;
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
  processes: ResultPromise[],
  commands: PipelineCommand[],
  killedByUs: Set<number>,
  abort: () => void,
  inputError: () => unknown,
): Promise<void> {
  // One failure (say pg_dump killed) makes the others pointless; stop them instead of waiting.
  processes.forEach((process_) => process_.catch(() => abort()));
  const results = await Promise.allSettled(processes);
  if (inputError()) {
    throw inputError() instanceof BackupError
      ? inputError()
      : new BackupError(`reading the archive failed: ${describeError(inputError())}`, { cause: inputError() });
  }
  const failures = results
    .map((result, index) => ({ result, index }))
    .filter(({ result }) => result.status === 'rejected');
  if (failures.length === 0) return;
  // Downstream programs fail because upstream died and vice versa; the root cause is the last one we did not kill.
  const rootCause = [...failures].reverse().find(({ index }) => !killedByUs.has(index)) ?? failures[0];
  if (!rootCause) return;
  const command = commands[rootCause.index];
  throw processFailure(command, (rootCause.result as PromiseRejectedResult).reason);
}

function processFailure(command: PipelineCommand | undefined, error: unknown): BackupError {
  const failed = error as { exitCode?: number; signal?: string; stderr?: unknown; code?: string };
  const label = command?.label ?? 'a program';
  if (failed.code === 'ENOENT') {
    return new BackupError(`${label} not found (${command?.file})`, {
      remedy: `install it (Debian: apt-get install ${label === 'zstd' ? 'zstd' : 'postgresql-client'}) or set --pg-bin-dir`,
      cause: error,
    });
  }
  const stderr = typeof failed.stderr === 'string' ? failed.stderr.trim() : '';
  const lastLine = stderr.split('\n').filter(Boolean).slice(-2).join(' / ');
  const how = failed.signal ? `was killed by ${failed.signal}` : `failed (exit ${failed.exitCode ?? '?'})`;
  return new BackupError(maskSecrets(`${label} ${how}${lastLine ? `: ${lastLine}` : ''}`), {
    remedy: command?.remedy,
    cause: error,
  });
}
