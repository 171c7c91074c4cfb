import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { HashingStream } from "../backup/hashingStream";
import { BackupManifest, dumpObjects } from "../backup/manifest";
import { hashFile } from "../store/hashFile";
import { forEachLimited } from "../store/slots";
import { BackupStore, NotFoundError } from "../store/types";

/**
 * A dump that does not match its manifest (truncated, replaced, corrupt, or one of its objects
 * missing, then named by `missingKey`): refused before the target is touched.
 */
export class DumpMismatchError extends Error {
  constructor(
    readonly backupId: string,
    readonly problem: string,
    readonly missingKey?: string,
  ) {
    super(`refusing to restore backup ${backupId}: ${problem}; the target was not touched: restore another backup`);
    this.name = "DumpMismatchError";
  }
}

export interface DownloadedDump {
  /** What pg_restore reads: the custom archive, or the directory of a directory-format dump. */
  file: string;
  /** True when it is the store's own copy, verified where it lies (a local store): nothing was copied. */
  inPlace: boolean;
  /** Removes a downloaded copy and its private directory (nothing for an in-place one); safe to call twice. */
  remove(): Promise<void>;
}

export interface DownloadOptions {
  tempDir?: string;
  signal?: AbortSignal;
  /** Objects read at once (a directory dump's files): hashing is CPU-bound, downloads wait on the network. */
  concurrency?: number;
}

/**
 * Makes a backup's dump readable by pg_restore after checking every object's sha256 and size
 * against the manifest, and refuses it otherwise; nothing touches the target before. A local store
 * is read in place (one read per file, no copy): pg_restore then reads the store's own files. From
 * a remote store the objects are downloaded, in parallel for a directory dump, into a private temp
 * directory (0700, files 0600: they hold the whole database) and hashed as they stream.
 * pg_restore -j needs seekable files, which is why nothing is piped straight in.
 */
export async function downloadVerifiedDump(
  store: BackupStore,
  manifest: BackupManifest,
  options: DownloadOptions = {},
): Promise<DownloadedDump> {
  const objects = dumpObjects(manifest);
  const concurrency = options.concurrency ?? 4;
  const refuse = (problem: string) => new DumpMismatchError(manifest.id, problem);
  const missing = (key: string) =>
    new DumpMismatchError(manifest.id, `dump ${key} is missing from ${store.describe()}`, key);
  const interrupted = () =>
    new Error(`restore of backup ${manifest.id} interrupted while downloading; the target was not touched`);

  if (store.localPath) {
    const localPath = store.localPath.bind(store);
    try {
      await forEachLimited(objects, concurrency, async (object) => {
        const found = await hashFile(localPath(object.key), { signal: options.signal }).catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") throw missing(object.key);
          throw err;
        });
        const problem = objectMismatch(object, found.bytes, found.sha256);
        if (problem) throw refuse(problem);
      });
    } catch (err) {
      if (options.signal?.aborted) throw interrupted();
      throw err;
    }
    return { file: localPath(manifest.dump.key), inPlace: true, remove: async () => undefined };
  }

  const dir = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), "bloom-dr-restore-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    if (manifest.dump.format === "directory") await mkdir(path.join(dir, manifest.dump.key), { mode: 0o700 });
    await forEachLimited(objects, concurrency, async (object) => {
      const hashing = new HashingStream();
      const source = await store.get(object.key).catch((err: unknown) => {
        throw err instanceof NotFoundError ? missing(object.key) : err;
      });
      await pipeline(source, hashing, createWriteStream(path.join(dir, object.key), { flags: "wx", mode: 0o600 }), {
        signal: options.signal,
      });
      const problem = objectMismatch(object, hashing.bytes, hashing.sha256);
      if (problem) throw refuse(problem);
    });
    return { file: path.join(dir, manifest.dump.key), inPlace: false, remove };
  } catch (err) {
    await remove();
    if (options.signal?.aborted) throw interrupted();
    throw err;
  }
}

/** Why an object read from the store does not match its manifest entry, or undefined when it does. */
export function objectMismatch(
  object: { key: string; bytes: number; sha256: string },
  bytes: number,
  sha256: string,
): string | undefined {
  if (bytes !== object.bytes) {
    return `dump ${object.key} is ${bytes} bytes but its manifest says ${object.bytes} (truncated or replaced)`;
  }
  if (sha256 !== object.sha256) {
    return `dump ${object.key} has sha256 ${sha256.slice(0, 12)}… but its manifest says ${object.sha256.slice(0, 12)}… (corrupt)`;
  }
  return undefined;
}

/** objectMismatch for a custom-format dump (one object). */
export function dumpMismatch(manifest: BackupManifest, bytes: number, sha256: string): string | undefined {
  return objectMismatch(manifest.dump, bytes, sha256);
}
