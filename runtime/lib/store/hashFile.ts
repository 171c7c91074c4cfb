import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { StagedFile } from "./types";

export interface HashFileOptions {
  signal?: AbortSignal;
  /** fsync the file once read (a file store making it durable before it becomes visible). */
  sync?: boolean;
  /** chmod the file (a file store's 0600) through the same open handle. */
  mode?: number;
}

/** Bytes read at a time; one buffer per file read, reused for every chunk. */
const CHUNK = 1024 * 1024;

/**
 * Reads a file once: its size and sha256. The chunks go through one reused buffer, so reading a
 * file of any size allocates 1 MiB and memory stays flat whatever the dump's size (a stream would
 * allocate a buffer per chunk and leave them to the garbage collector).
 */
export async function hashFile(file: string, options: HashFileOptions = {}): Promise<StagedFile> {
  options.signal?.throwIfAborted();
  const hash = createHash("sha256");
  let bytes = 0;
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    if (options.mode !== undefined) await handle.chmod(options.mode);
    if (options.sync) await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}
