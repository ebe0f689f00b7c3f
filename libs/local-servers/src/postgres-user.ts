import { execa } from 'execa';

/**
 * Root's place for what the `postgres` system user must reach when the checkout is private (under
 * /root, say): persistent local clusters and copies of PostgreSQL binaries.
 */
export const ROOT_STATE_DIR = '/var/lib/shopops';

/** `file args` run as the postgres user (root only): as root, clusters run as that user (initdb refuses root). */
export function asPostgresUser(file: string, args: string[]): [string, string[]] {
  return ['runuser', ['-u', 'postgres', '--', file, ...args]];
}

/** Whether `test <args>` passes as the postgres user. */
export async function postgresUserPasses(...testArgs: string[]): Promise<boolean> {
  const probe = await execa(...asPostgresUser('test', testArgs), { reject: false });
  return probe.exitCode === 0;
}
