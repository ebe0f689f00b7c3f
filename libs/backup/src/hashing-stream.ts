import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while computing their SHA-256 and count. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onBytes?: (total: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    callback(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
