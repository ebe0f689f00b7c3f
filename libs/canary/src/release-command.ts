import { waitForState } from './boot.ts';
import { CanaryError } from './errors.ts';
import { TAG, type Machine } from './machine.ts';
import type { MachinesApi } from './machines-api.ts';

export interface ReleaseCommandResult {
  machine: string;
  exitCode: number | null;
}

/**
 * Fly's release_command: a temporary machine of the new image runs the command (no services, no checks,
 * never restarted), its exit code is read from its exit event, and it is destroyed whatever happened. A
 * non-zero exit stops the release before any traffic moves.
 */
export async function runReleaseCommand(
  api: MachinesApi,
  input: {
    template: Machine;
    image: string;
    command: string;
    deployment: string;
    leaseTtl: number;
    timeoutMs: number;
    signal?: AbortSignal;
    log: (line: string) => void;
  },
): Promise<ReleaseCommandResult> {
  const { template, image, command, deployment } = input;
  const machine = await api.create({
    region: template.region,
    lease_ttl: input.leaseTtl,
    skip_service_registration: true,
    config: {
      ...template.config,
      image,
      init: { ...template.config.init, cmd: splitCommand(command) },
      services: [],
      checks: {},
      restart: { policy: 'no' },
      auto_destroy: false,
      metadata: {
        ...template.config.metadata,
        [TAG.deployment]: deployment,
        [TAG.role]: 'release_command',
        [TAG.processGroup]: 'fly_app_release_command',
      },
    },
  });
  input.log(`release command: \`${command}\` in machine ${machine.id}`);
  try {
    const deadline = Date.now() + input.timeoutMs;
    await waitForState(api, machine, 'stopped', deadline, input.signal).catch((error: unknown) => {
      if (error instanceof CanaryError)
        throw new CanaryError(
          `release command \`${command}\` did not finish within ${Math.round(input.timeoutMs / 1000)} s`,
          'raise release_command_timeout (or --release-command-timeout), or look at `fly logs -i ' + machine.id + '`',
        );
      throw error;
    });
    const exitCode = exitCodeOf(await api.get(machine.id));
    if (exitCode !== 0)
      throw new CanaryError(
        `release command \`${command}\` exited with ${exitCode ?? 'an unknown code'}; nothing was changed, the old version serves`,
        `look at its output (fly logs -i ${machine.id}), fix the release and deploy again`,
      );
    return { machine: machine.id, exitCode };
  } finally {
    await api.destroy(machine.id).catch(() => undefined);
    api.forget(machine.id);
  }
}

export function exitCodeOf(machine: Machine): number | null {
  const exit = [...(machine.events ?? [])]
    .sort((a, b) => b.timestamp - a.timestamp)
    .find((event) => event.type === 'exit' && event.request?.exit_event);
  return exit?.request?.exit_event?.exit_code ?? null;
}

/** fly.toml's release_command is a shell-free word list: split on spaces, quotes keep words together. */
export function splitCommand(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}
