import { execa } from 'execa';

/**
 * Root's place for what the `postgres` system user must reach when the checkout is private (under
 * /root, say): persistent local clusters and copies of PostgreSQL binaries.
 */
export const ROOT_STATE_DIR = '/var/lib/shopops';

/** Whether `test <args>` passes as the postgres user: as root, clusters run as that user (initdb refuses root). */
export async function postgresUserPasses(...testArgs: string[]): Promise<boolean> {
  const probe = await execa('runuser', ['-u', 'postgres', '--', 'test', ...testArgs], { reject: false });
  return probe.exitCode === 0;
}
