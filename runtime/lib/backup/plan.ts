/**
 * How a backup dumps: the format and pg_dump's parallel jobs. Pure, so the choice is a table test.
 */
import { connectionsAvailable, TargetConnections } from "../restore/jobs";

export type DumpFormat = "custom" | "directory";

/**
 * Below this much table data (heap + TOAST, from the catalog) a single custom-format stream is as
 * fast as the directory form with parallel workers, which pays for more processes, connections and
 * files (measured: docs/engine.md, "Format"). From here on the directory form wins.
 */
export const DIRECTORY_MIN_BYTES = 32 * 1024 * 1024;

/**
 * pg_dump's jobs for the directory form: as many as asked (by default the machine's cores), never
 * more than the source can accept, at least 1. pg_dump -j N holds N + 1 connections (its leader
 * stays connected beside the N workers), besides the session that exported the snapshot, which
 * the capacity already counts as open.
 */
export function backupJobs(requested: number, source: TargetConnections): number {
  if (!Number.isInteger(requested) || requested < 1)
    throw new Error(`jobs must be a positive integer (got ${requested})`);
  return Math.max(1, Math.min(requested, connectionsAvailable(source) - 1));
}

/**
 * The format when none is asked for: the directory form when it can run at least two workers and
 * the data is large enough for them to pay off, else one custom-format stream.
 */
export function chooseFormat(estimatedBytes: number, jobs: number): DumpFormat {
  return jobs >= 2 && estimatedBytes >= DIRECTORY_MIN_BYTES ? "directory" : "custom";
}

/**
 * Finished files that may wait on local disk for upload before pg_dump is paused: a quarter of the
 * free space where they are written, between 64 MiB and 2 GiB (Lambda's /tmp is at most 10 GiB).
 */
export function defaultMaxPendingBytes(freeBytes: number): number {
  const MiB = 1024 * 1024;
  return Math.min(2048 * MiB, Math.max(64 * MiB, Math.floor(freeBytes / 4)));
}
