import type { z } from 'zod';
import type { schema } from './schema.ts';

type Options = z.output<typeof schema>;

export interface ResolvedPaths {
  /** Absolute migrations folder. */
  dir: string;
  /** Absolute schema file for dump-schema. */
  schemaFile: string;
}

/**
 * The argument vector of the `migrate` CLI for the executor's options. The executor runs the
 * engine's own CLI in-process, so `nx run api:migrate …` and the release command in the image
 * behave and print exactly alike.
 */
export function toCliArguments(options: Options, url: string, paths: ResolvedPaths): string[] {
  const args: string[] = [options.command];
  if (options.command === 'new') args.push(requireName(options.name));
  if (options.command === 'up' && options.to) args.push(options.to);
  args.push('--dir', paths.dir);
  if (options.command === 'lint' || options.command === 'new')
    return [...args, ...(options.strict && options.command === 'lint' ? ['--strict'] : []), ...json(options)];

  args.push('--url', url, '--table', options.table);
  args.push('--lock-timeout', String(options.lockTimeout));
  args.push('--statement-lock-timeout', options.statementLockTimeout);
  args.push('--lock-retries', String(options.lockRetries));
  if (options.allowDrift) args.push('--allow-drift');
  if (options.allowOutOfOrder) args.push('--allow-out-of-order');
  if (options.command === 'down') args.push('--steps', String(options.steps));
  if (options.command === 'status' && options.exitCode) args.push('--exit-code');
  if (options.command === 'dump-schema') args.push('--file', paths.schemaFile);
  return [...args, ...json(options)];
}

/** Commands that never open a connection, so they need no database URL. */
export function needsDatabase(command: Options['command']): boolean {
  return command !== 'lint' && command !== 'new';
}

function json(options: Options): string[] {
  return options.json ? ['--json'] : [];
}

function requireName(name: string | undefined): string {
  if (!name) throw new Error('`new` needs a name: nx run <project>:migrate new add_orders_index');
  return name;
}
