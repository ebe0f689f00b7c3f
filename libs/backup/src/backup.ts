import { Readable } from 'node:stream';
import { resolveCompression, type CompressionChoice } from './compression.ts';
import { parseDatabaseUrl } from './database-url.ts';
import { dumpCommands, globalsCommand } from './dump-commands.ts';
import { HashingStream } from './hashing-stream.ts';
import { manifestSchema, type Manifest } from './manifest.ts';
import { archiveName, globalsName, idOfFile, manifestName, newBackupId } from './naming.ts';
import { openStore, type StoreOptions } from './open-store.ts';
import { runPipeline, type PipelineCommand } from './process-pipeline.ts';
import { formatBytes, formatDuration, phaseReporter, type Reporting } from './progress.ts';
import { exportSnapshot } from './snapshot.ts';
import type { BackupStore, WriteHint } from './store.ts';
import { pgDumpVersion } from './tool-version.ts';

export interface BackupOptions extends StoreOptions, Reporting {
  /** The database to back up, postgres://user:password@host:port/database. */
  url: string;
  /** Default 'auto': zstd when installed, else pg_dump's own compression. */
  compression?: CompressionChoice;
  /** Also store roles and tablespaces (pg_dumpall --globals-only). */
  globals?: boolean;
  /** Directory of pg_dump, pg_dumpall and pg_restore (default $PG_BINDIR, else PATH). */
  pgBinDir?: string;
  /** Marks this as the safety backup taken before restoring that backup id: `latest` never picks it. */
  safetyBefore?: string;
}

export interface BackupResult {
  id: string;
  /** Where the archive now is: a path or s3:// URL. */
  location: string;
  manifest: Manifest;
  durationMs: number;
}

/**
 * Streams `pg_dump -Fc` of one snapshot to the destination, hashing as it goes, then writes the manifest.
 * The manifest is written last: a dump without one is not a backup, and a failed run leaves neither.
 */
export async function backup(options: BackupOptions): Promise<BackupResult> {
  const started = new Date();
  const target = parseDatabaseUrl(options.url);
  const store = openStore(options);
  const compression = resolveCompression(options.compression);
  const dumpVersion = await pgDumpVersion(options.pgBinDir);
  const existing = new Set((await store.list()).map((file) => idOfFile(file.name)));
  const id = newBackupId(target.database, started, (candidate) => existing.has(candidate));

  const snapshot = await exportSnapshot(target);
  let tables: Record<string, number>;
  let archive: Manifest['archive'];
  try {
    options.log?.(`backing up ${target.display} to ${store.describe(archiveName(id, compression))} (${compression})`);
    const dump = dumpCommands(target, snapshot.id, compression, options.pgBinDir);
    // Counting runs beside pg_dump: both read the same snapshot, and the transaction must stay open anyway.
    const cancel = new AbortController();
    const [dumped, counted] = await Promise.allSettled([
      storeStream(store, archiveName(id, compression), dump, 'dump', options, cancel.signal, {
        databaseBytes: snapshot.databaseBytes,
      }),
      snapshot.countRows().catch((error: unknown) => {
        cancel.abort(error);
        throw error;
      }),
    ]);
    if (counted.status === 'rejected') throw counted.reason;
    if (dumped.status === 'rejected') throw dumped.reason;
    [archive, tables] = [dumped.value, counted.value];
  } finally {
    await snapshot.release();
  }

  const written = [archive.name];
  let manifest: Manifest;
  try {
    const globals = options.globals
      ? await storeStream(store, globalsName(id), [globalsCommand(target, options.pgBinDir)], 'globals', options)
      : undefined;
    if (globals) written.push(globals.name);
    manifest = manifestSchema.parse({
      formatVersion: 1,
      id,
      database: target.database,
      serverVersion: snapshot.serverVersion,
      pgDumpVersion: dumpVersion,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      compression,
      archive,
      globals,
      tables,
      safetyBefore: options.safetyBefore,
    });
    await store.write(manifestName(id), Readable.from([JSON.stringify(manifest, null, 2) + '\n']));
  } catch (error) {
    // Without its manifest the dump is not a backup; do not leave it looking like one.
    await Promise.all(written.map((name) => store.remove(name).catch(() => undefined)));
    throw error;
  }
  const durationMs = Date.now() - started.getTime();
  options.log?.(
    `backup ${id}: ${formatBytes(archive.size)} in ${formatDuration(durationMs)}, ${Object.keys(tables).length} tables, sha256 ${archive.sha256.slice(0, 12)}`,
  );
  return { id, location: store.describe(archive.name), manifest, durationMs };
}

/** Runs the programs and stores their output under `name`, hashing in the stream; nothing is left on failure. */
async function storeStream(
  store: BackupStore,
  name: string,
  commands: PipelineCommand[],
  phase: string,
  reporting: Reporting,
  cancel?: AbortSignal,
  hint?: WriteHint,
): Promise<Manifest['archive']> {
  const pipeline = runPipeline(commands);
  const hashing = new HashingStream(phaseReporter(phase, reporting.onProgress));
  cancel?.addEventListener('abort', () => hashing.destroy(cancel.reason as Error));
  pipeline.output.on('error', (error) => hashing.destroy(error));
  pipeline.output.pipe(hashing);
  try {
    await store.write(name, hashing, hint);
    await pipeline.done;
  } catch (error) {
    // The store already removed what it wrote; a broken stream carries the programs' own failure.
    pipeline.abort();
    await pipeline.done.catch(() => undefined);
    throw error;
  }
  return { name, size: hashing.bytes, sha256: hashing.digest() };
}
