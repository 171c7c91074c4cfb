import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { HashingStream } from "../backup/hashingStream";
import { BackupManifest } from "../backup/manifest";
import { BackupStore } from "../store/types";

/** A dump that does not match its manifest (truncated, replaced, corrupt): refused before the target is touched. */
export class DumpMismatchError extends Error {
  constructor(
    readonly backupId: string,
    readonly problem: string,
  ) {
    super(`refusing to restore backup ${backupId}: ${problem}; the target was not touched: restore another backup`);
    this.name = "DumpMismatchError";
  }
}

export interface DownloadedDump {
  file: string;
  /** Removes the file and its private directory; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Copies a backup's dump to a private temp file (directory 0700, file 0600: it holds the whole
 * database) while computing its sha256 and size, and refuses it unless both match the manifest.
 * pg_restore -j needs a seekable file, which is why the dump is not piped straight in.
 */
export async function downloadVerifiedDump(
  store: BackupStore,
  manifest: BackupManifest,
  options: { tempDir?: string; signal?: AbortSignal } = {},
): Promise<DownloadedDump> {
  const dir = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), "bloom-dr-restore-"));
  const file = path.join(dir, manifest.dump.key);
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const hashing = new HashingStream();
    const source = await store.get(manifest.dump.key);
    await pipeline(source, hashing, createWriteStream(file, { flags: "wx", mode: 0o600 }), { signal: options.signal });
    const problem = dumpMismatch(manifest, hashing.bytes, hashing.sha256);
    if (problem) throw new DumpMismatchError(manifest.id, problem);
    return { file, remove };
  } catch (err) {
    await remove();
    if (options.signal?.aborted)
      throw new Error(`restore of backup ${manifest.id} interrupted while downloading; the target was not touched`);
    throw err;
  }
}

/** Why a downloaded dump does not match its manifest, or undefined when it does. */
export function dumpMismatch(manifest: BackupManifest, bytes: number, sha256: string): string | undefined {
  if (bytes !== manifest.dump.bytes) {
    return `dump ${manifest.dump.key} is ${bytes} bytes but its manifest says ${manifest.dump.bytes} (truncated or replaced)`;
  }
  if (sha256 !== manifest.dump.sha256) {
    return `dump ${manifest.dump.key} has sha256 ${sha256.slice(0, 12)}… but its manifest says ${manifest.dump.sha256.slice(0, 12)}… (corrupt)`;
  }
  return undefined;
}
