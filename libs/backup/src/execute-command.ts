import { runWithConvention, type CliIo } from '@shopops/cli';
import type { BackupCommand, BackupCommandOptions } from './command-options.ts';
import { maskSecrets } from './mask.ts';
import { progressRenderer } from './progress-renderer.ts';
import { runBackupCommand } from './run-command.ts';

/**
 * Runs one command and renders it the same way for every host (the `backup` CLI, the Nx executors):
 * messages and progress on stderr, the one-line summary last, --json as one document on stdout,
 * failures as `<command>: <what>` and `  remedy: …`. Returns the exit code.
 */
export function executeBackupCommand<C extends BackupCommand>(
  command: C,
  options: BackupCommandOptions<C> | (() => BackupCommandOptions<C>),
  io: CliIo,
): Promise<number> {
  const renderer = progressRenderer(io.stderr);
  const say = (line: string) => {
    renderer.clear();
    io.stderr.write(`${maskSecrets(line)}\n`);
  };
  const convention = { tool: 'backup', prefix: () => command, mask: maskSecrets };
  return runWithConvention(convention, io, async () => {
    try {
      // Options may be resolved lazily, so their own failures (a bad URL) get the same rendering.
      const resolved = typeof options === 'function' ? options() : options;
      const result = await runBackupCommand(command, resolved, {
        env: io.env,
        log: say,
        onProgress: (progress) => renderer.update(progress),
      });
      renderer.clear();
      if (resolved.json) io.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
      say(result.summary);
      return result.exitCode;
    } finally {
      renderer.clear();
    }
  });
}
