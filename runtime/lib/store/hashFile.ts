import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { StagedFile } from "./types";

export interface HashFileOptions {
  signal?: AbortSignal;
  /** fsync the file once read (a file store making it durable before it becomes visible). */
  sync?: boolean;
  /** chmod the file (a file store's 0600) through the same open handle. */
  mode?: number;
  /** Called with each chunk as it is read (an upload consuming the same single read). */
  onChunk?: (chunk: Buffer) => void;
}

/** Reads a file once: its size and sha256, with whatever else needs the same bytes. */
export async function hashFile(file: string, options: HashFileOptions = {}): Promise<StagedFile> {
  const hash = createHash("sha256");
  let bytes = 0;
  options.signal?.throwIfAborted();
  const handle = await open(file, "r");
  try {
    // the signal is checked per chunk rather than given to the stream, which would also emit it as an unhandled error
    const stream = handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) {
        stream.destroy();
        options.signal.throwIfAborted();
      }
      hash.update(chunk);
      bytes += chunk.length;
      options.onChunk?.(chunk);
    }
    if (options.mode !== undefined) await handle.chmod(options.mode);
    if (options.sync) await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}
