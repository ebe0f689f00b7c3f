import { execaSync } from 'execa';

/**
 * How the archive is stored. 'zstd': `pg_dump -Z0` piped through multi-threaded zstd (fast on
 * incompressible data, where pg_dump's single-threaded zlib is the bottleneck); 'pg-default':
 * pg_dump's own compression; 'none': uncompressed custom format.
 */
export type Compression = 'zstd' | 'pg-default' | 'none';
export type CompressionChoice = Compression | 'auto';

export const COMPRESSIONS = ['auto', 'zstd', 'pg-default', 'none'] as const satisfies readonly CompressionChoice[];

/** 'auto' picks zstd when the zstd program is installed, else pg_dump's own compression. */
export function resolveCompression(choice: CompressionChoice = 'auto'): Compression {
  if (choice !== 'auto') return choice;
  return zstdAvailable() ? 'zstd' : 'pg-default';
}

let zstdFound: boolean | undefined;
export function zstdAvailable(): boolean {
  zstdFound ??= execaSync('zstd', ['--version'], { reject: false }).exitCode === 0;
  return zstdFound;
}

/** Level 1 with all cores: on two cores it keeps pace with `pg_dump -Z0` and still beats zlib's ratio. */
export const ZSTD_COMPRESS_ARGS = ['-1', '-T0', '-q', '-c'];
export const ZSTD_DECOMPRESS_ARGS = ['-d', '-q', '-c'];
