import { execa } from 'execa';
import type { Engine } from './build-command.ts';

async function succeeds(file: string, args: string[]): Promise<boolean> {
  const result = await execa(file, args, { reject: false, timeout: 15_000 });
  return result.exitCode === 0;
}

/** buildx when the docker CLI has it, else docker's own BuildKit builder, else podman. */
export async function detectEngine(): Promise<Engine> {
  if (await succeeds('docker', ['buildx', 'version'])) return 'buildx';
  if (await succeeds('docker', ['version', '--format', '{{.Client.Version}}'])) return 'docker';
  if (await succeeds('podman', ['version', '--format', '{{.Client.Version}}'])) return 'podman';
  throw new Error('no container engine found: install docker (with buildx) or podman, or set --engine');
}
