import { createHash } from "node:crypto";
import { Transform, TransformCallback } from "node:stream";

export interface HashingStreamOptions {
  onProgress?: (progress: { bytes: number }) => void;
  /**
   * Awaited before the stream ends; a rejection fails the stream instead of ending it. Backups use
   * it to wait for pg_dump's exit status, so a store only ever commits a dump that pg_dump
   * finished successfully (a dump whose producer died still reaches EOF on the pipe).
   */
  beforeEnd?: () => Promise<void>;
}

/**
 * Passes bytes through unchanged while computing their sha256 and count. Memory is constant:
 * one chunk at a time, with the usual stream backpressure.
 */
export class HashingStream extends Transform {
  private readonly hash = createHash("sha256");
  private count = 0;
  private digest: string | undefined;

  constructor(private readonly options: HashingStreamOptions = {}) {
    super();
  }

  get bytes(): number {
    return this.count;
  }

  /** Hex sha256 of everything that passed; only once the stream has ended. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error("sha256 is known only once the stream has ended");
    return this.digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    this.options.onProgress?.({ bytes: this.count });
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const finish = () => {
      this.digest = this.hash.digest("hex");
      callback();
    };
    if (!this.options.beforeEnd) return finish();
    this.options.beforeEnd().then(finish, (err: Error) => callback(err));
  }
}
