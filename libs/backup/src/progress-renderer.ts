import type { Writable } from 'node:stream';
import { formatBytes, formatDuration, type Progress } from './progress.ts';

export interface ProgressRenderer {
  update(progress: Progress): void;
  /** Clears a TTY progress line before other output. */
  clear(): void;
}

/**
 * On a TTY one line rewritten in place at most 10 times a second; elsewhere (CI, cron) a plain
 * line every `plainEveryMs`, so logs show that long work is alive without flooding them.
 */
export function progressRenderer(stream: Writable & { isTTY?: boolean }, plainEveryMs = 10_000): ProgressRenderer {
  const tty = !!stream.isTTY;
  let lastDraw = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastDraw < (tty ? 100 : plainEveryMs)) return;
      lastDraw = now;
      const rate = progress.elapsedMs > 0 ? (progress.bytes / progress.elapsedMs) * 1000 : 0;
      const line = `${progress.phase}: ${formatBytes(progress.bytes)}  ${formatBytes(rate)}/s  ${formatDuration(progress.elapsedMs)}`;
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    clear() {
      if (tty && drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
