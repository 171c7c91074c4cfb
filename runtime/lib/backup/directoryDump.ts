/**
 * Streams a directory-format pg_dump into a store while it runs: each file pg_dump has finished
 * (finishedFiles.ts) is staged at once (hashed in place in a file store; uploaded as an
 * uncompleted multipart upload and removed locally for S3), while the workers go on with later
 * tables. When staging falls behind, pg_dump is paused (SIGSTOP) until it catches up, so the
 * local disk holds at most `maxPendingBytes` of finished files plus the files being written.
 */
import { watch, FSWatcher } from "node:fs";
import { stat } from "node:fs/promises";
import { StagedDirectory, StagedFile } from "../store/types";
import { FinishedFiles } from "./finishedFiles";
import { PgDumpProcess } from "./pgDump";

export interface DirectoryDumpOptions {
  dump: PgDumpProcess;
  staged: StagedDirectory;
  signal?: AbortSignal;
  /** Bytes staged so far, after each file. */
  onProgress?: (progress: { bytes: number }) => void;
  /** Files staged at once. */
  concurrency: number;
  /**
   * Finished files not yet staged above this many bytes pause pg_dump, which resumes below half of
   * it. Only where staging moves files off the machine (a remote store).
   */
  maxPendingBytes: number;
  /** How often the directory is checked besides its change events. */
  pollMs?: number;
  /** How finished files are found (tests replace the /proc reader). */
  finished?: FinishedFiles;
}

export interface DirectoryDumpResult {
  files: Record<string, StagedFile>;
  bytes: number;
  /** Times pg_dump was paused because staging fell behind. */
  pauses: number;
  /** Most bytes of finished files waiting on local disk at once. */
  peakPendingBytes: number;
}

/** Why a directory dump failed; `cause` says whose fault, so that the message names the first cause. */
export class DirectoryDumpError extends Error {
  constructor(
    message: string,
    readonly cause: "interrupted" | "pg_dump" | "store",
  ) {
    super(message);
  }
}

export async function collectDirectoryDump(options: DirectoryDumpOptions): Promise<DirectoryDumpResult> {
  const { dump, staged, signal } = options;
  // pg_dump leads a process group of its own: its workers are the group's other members
  const finished = options.finished ?? new FinishedFiles(staged.dir, dump.pid);
  const uploads = new AbortController();
  const files: Record<string, StagedFile> = {};
  const queue: { name: string; size: number }[] = [];
  const active = new Set<Promise<void>>();
  let pending = 0;
  let peakPendingBytes = 0;
  let pauses = 0;
  let bytes = 0;
  let failure: DirectoryDumpError | undefined;
  let exited = false;
  let wake: () => void = () => undefined;

  const fail = (error: DirectoryDumpError) => {
    failure ??= error;
    uploads.abort();
    wake();
  };
  const backPressure = staged.movesFiles;
  const pump = () => {
    while (!failure && active.size < options.concurrency && queue.length > 0) {
      const { name, size } = queue.shift()!;
      const adding = staged
        .add(name, uploads.signal)
        .then((file) => {
          files[name] = file;
          bytes += file.bytes;
          options.onProgress?.({ bytes });
        })
        .catch((err: Error) => fail(new DirectoryDumpError(err.message.split("\n")[0], "store")))
        .finally(() => {
          pending -= size;
          active.delete(adding);
          if (dump.isPaused && pending <= options.maxPendingBytes / 2) dump.resume();
          pump();
          wake();
        });
      active.add(adding);
    }
  };

  let polling: Promise<void> | undefined;
  let pollAgain = false;
  const poll = (): Promise<void> => {
    if (polling) {
      pollAgain = true;
      return polling;
    }
    polling = (async () => {
      do {
        pollAgain = false;
        const names = await finished.poll(exited);
        for (const name of names) {
          const size = (await stat(`${staged.dir}/${name}`)).size;
          queue.push({ name, size });
          pending += size;
        }
        peakPendingBytes = Math.max(peakPendingBytes, pending);
        if (backPressure && pending > options.maxPendingBytes && !dump.isPaused && !exited) {
          dump.pause();
          pauses++;
        }
        pump();
      } while (pollAgain);
    })()
      .catch((err: Error) => fail(new DirectoryDumpError(`reading pg_dump's output failed: ${err.message}`, "store")))
      .finally(() => {
        polling = undefined;
        wake();
      });
    return polling;
  };

  let watcher: FSWatcher | undefined;
  try {
    // a file is created ("rename") when a worker moves on to the next table, having closed the
    // last one; writes ("change") say nothing new and would only keep /proc busy
    watcher = watch(staged.dir, (event) => {
      if (event === "rename") void poll();
    });
    watcher.on("error", () => undefined); // the interval below keeps polling
  } catch {
    watcher = undefined;
  }
  const timer = setInterval(() => void poll(), options.pollMs ?? 200);
  const onAbort = () => fail(new DirectoryDumpError("interrupted before the dump was complete", "interrupted"));
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const dumpDone = dump.succeeded().then(
    () => undefined,
    (err: Error) => err,
  );
  void dumpDone.then((err) => {
    exited = true;
    if (err && !dump.wasStopped) fail(new DirectoryDumpError(err.message, "pg_dump"));
    wake();
  });

  try {
    // until pg_dump has exited and every file it left is staged, or something failed
    for (;;) {
      if (failure) break;
      if (exited) {
        await poll();
        if (!failure && queue.length === 0 && active.size === 0 && !polling) break;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearInterval(timer);
    watcher?.close();
    signal?.removeEventListener("abort", onAbort);
  }
  if (failure) {
    await dump.stop();
    await dumpDone;
    uploads.abort();
    await Promise.allSettled([...active]);
    await polling;
    throw failure;
  }
  return { files, bytes, pauses, peakPendingBytes };
}
