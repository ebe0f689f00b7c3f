/** What long operations report while they run; the CLI renders it, executors may log it. */
export interface Progress {
  /** e.g. 'dump', 'download', 'verify', 'restore'. */
  phase: string;
  /** Bytes done so far in this phase. */
  bytes: number;
  elapsedMs: number;
}

export type ProgressListener = (progress: Progress) => void;
/** One human-readable line about what the engine did; goes to stderr in the CLI. */
export type LogListener = (line: string) => void;

export interface Reporting {
  log?: LogListener;
  onProgress?: ProgressListener;
}

/** A byte counter for one phase that stamps the elapsed time. */
export function phaseReporter(phase: string, onProgress?: ProgressListener): (bytes: number) => void {
  const started = Date.now();
  return (bytes) => onProgress?.({ phase, bytes, elapsedMs: Date.now() - started });
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
