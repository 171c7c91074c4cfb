/**
 * The two ways a backup gets pg_dump's output into a store, staged: one custom-format stream, or a
 * directory-format dump whose files are staged as pg_dump finishes them.
 */
import { pipeline } from "node:stream/promises";
import { stageObject } from "../store/staging";
import { BackupStore, StagedDirectory, StagedObject } from "../store/types";
import { collectDirectoryDump, DirectoryDumpResult } from "./directoryDump";
import { discarded } from "./failedBackup";
import { HashingStream } from "./hashingStream";
import { PgDumpProcess } from "./pgDump";

type Fail = (reason: string) => Error;

export interface DumpFormOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { bytes: number }) => void;
}

/**
 * The custom form: pg_dump's stdout through a sha256-and-byte counter into one staged object. The
 * stream only ends once pg_dump exited 0, so a store never commits a dump pg_dump did not finish.
 */
export async function streamCustomDump(
  store: BackupStore,
  dumpKey: string,
  dump: PgDumpProcess,
  options: DumpFormOptions,
  fail: Fail,
): Promise<{ staged: StagedObject; sha256: string; bytes: number }> {
  const { signal } = options;
  const hashing = new HashingStream({ onProgress: options.onProgress, beforeEnd: () => dump.succeeded() });
  const onAbort = () => void dump.stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const feeding = pipeline(dump.stdout, hashing).catch(() => undefined);
  let staged: StagedObject;
  try {
    staged = await stageObject(store, dumpKey, hashing, signal);
  } catch (err) {
    await dump.stop();
    await feeding;
    throw fail(await dumpFailureReason(dump, err, signal));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (staged.bytes !== hashing.bytes) {
    throw fail(
      `the store wrote ${staged.bytes} bytes of ${dumpKey} but pg_dump produced ${hashing.bytes}${await discarded(staged, dumpKey)}`,
    );
  }
  return { staged, sha256: hashing.sha256, bytes: hashing.bytes };
}

/** The directory form: pg_dump -j N into the staged directory, each finished file staged at once. */
export async function dumpDirectory(
  staged: StagedDirectory,
  dump: PgDumpProcess,
  options: DumpFormOptions & { key: string; jobs: number; maxPendingBytes: number },
  fail: Fail,
): Promise<DirectoryDumpResult> {
  dump.stdout.resume(); // pg_dump -f writes nothing there
  try {
    return await collectDirectoryDump({
      dump,
      staged,
      signal: options.signal,
      onProgress: options.onProgress,
      // hashing in place is CPU-bound (one per job); uploads wait on the network
      concurrency: staged.movesFiles ? Math.max(2, options.jobs) : options.jobs,
      maxPendingBytes: options.maxPendingBytes,
    });
  } catch (err) {
    throw fail(`${firstLine(err)}${await discarded(staged, `${options.key}/`)}`);
  }
}

/** The first cause: the interruption, pg_dump's own failure, or the store's error. */
async function dumpFailureReason(dump: PgDumpProcess, storeError: unknown, signal?: AbortSignal): Promise<string> {
  if (signal?.aborted) return "interrupted before the dump was complete";
  const { code, signal: exitSignal } = await dump.exited;
  if (!dump.wasStopped && code !== 0) return dump.failure(code, exitSignal);
  return firstLine(storeError);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}
