import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { ZSTD_DECOMPRESS_ARGS } from './compression.ts';
import { BackupError, describeError } from './errors.ts';
import { HashingStream } from './hashing-stream.ts';
import type { Manifest } from './manifest.ts';
import { phaseReporter, type ProgressListener } from './progress.ts';
import type { BackupStore } from './store.ts';

export interface MaterializedArchive {
  /** A seekable custom-format archive, as pg_restore -j needs. */
  path: string;
  /** Removes whatever temporary files were made. */
  cleanup(): Promise<void>;
}

/**
 * Checks the stored archive against the manifest's size and SHA-256, then returns a seekable,
 * uncompressed custom-format file: in place for local uncompressed archives, else in a temporary directory.
 */
export async function materializeArchive(
  store: BackupStore,
  manifest: Manifest,
  onProgress?: ProgressListener,
): Promise<MaterializedArchive> {
  const temp = await mkdtemp(join(tmpdir(), 'backup-restore-'));
  const cleanup = () => rm(temp, { recursive: true, force: true });
  try {
    const local = store.localPath(manifest.archive.name);
    const stored = local ?? join(temp, manifest.archive.name);
    const hashing = new HashingStream(phaseReporter(local ? 'checksum' : 'download', onProgress));
    await pipeline(await store.read(manifest.archive.name), hashing, local ? nowhere() : createWriteStream(stored));
    checkDigest(store, manifest, hashing.bytes, hashing.digest());
    if (manifest.compression !== 'zstd') return { path: stored, cleanup };
    const path = join(temp, `${manifest.id}.dump`);
    await decompress(store, manifest, stored, path);
    return { path, cleanup };
  } catch (error) {
    await cleanup();
    if (error instanceof BackupError) throw error;
    throw new BackupError(`reading ${store.describe(manifest.archive.name)} failed: ${describeError(error)}`, {
      remedy: 'check the destination is reachable and the temporary directory ($TMPDIR) has room for the archive',
      cause: error,
    });
  }
}

function checkDigest(store: BackupStore, manifest: Manifest, size: number, sha256: string) {
  if (size === manifest.archive.size && sha256 === manifest.archive.sha256) return;
  throw new BackupError(
    `checksum mismatch for ${store.describe(manifest.archive.name)}: manifest says ${manifest.archive.size} bytes sha256 ${manifest.archive.sha256.slice(0, 16)}…, found ${size} bytes sha256 ${sha256.slice(0, 16)}…`,
    { remedy: 'the archive changed after it was written; restore an older backup (list shows them) and find out why' },
  );
}

async function decompress(store: BackupStore, manifest: Manifest, from: string, to: string) {
  const result = await execa('zstd', [...ZSTD_DECOMPRESS_ARGS.filter((a) => a !== '-c'), '-f', '-o', to, from], {
    reject: false,
  });
  if (result.exitCode === 0) return;
  throw new BackupError(
    `archive ${store.describe(manifest.archive.name)} cannot be decompressed: ${result.stderr.trim().split('\n').pop() ?? result.shortMessage}`,
    { remedy: result.code === 'ENOENT' ? 'install zstd (apt-get install zstd)' : 'restore an older backup' },
  );
}

/** A sink for reads whose only purpose is the hash. */
function nowhere(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
