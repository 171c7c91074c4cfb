import type { Readable } from "node:stream";

/** One object in a store, as listed. */
export interface StoredObject {
  key: string;
  size: number;
  modified: Date;
}

/** An object written but not yet visible under its key (see BackupStore.stage). */
export interface StagedObject {
  readonly bytes: number;
  /** Makes the object visible under its key, whole. */
  commit(): Promise<void>;
  /**
   * Drops the staged object; nothing of it stays visible. Needs no delete permission where the
   * store stages (an aborted multipart upload, a removed temp file).
   */
  discard(): Promise<void>;
}

/**
 * Where backups live: a local directory or an S3 prefix. Keys are relative to the store's root
 * ("<id>.dump", "<id>.json", "latest.json").
 */
export interface BackupStore {
  /** Where the store points, without any secret ("file:///var/backups", "s3://vault/bloom"). */
  describe(): string;
  /**
   * Writes a stream under a key. Atomic: the object is visible only once complete; on error or
   * abort nothing remains (temp file removed, multipart upload aborted).
   */
  put(key: string, body: Readable, signal?: AbortSignal): Promise<{ bytes: number }>;
  /**
   * Writes a stream without making it visible: nothing appears under the key until commit(), and
   * discard() leaves nothing. A backup stages its dump until every check passed, so a failed
   * backup needs no delete, which the vault refuses. Optional: stageObject() falls back to put.
   */
  stage?(key: string, body: Readable, signal?: AbortSignal): Promise<StagedObject>;
  /** Writes a small text object (manifest, latest.json), also atomically. */
  putText(key: string, text: string): Promise<void>;
  /** Reads an object; throws a one-line NotFoundError when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Reads a small text object; undefined when it does not exist. */
  getText(key: string): Promise<string | undefined>;
  /** Every object under the store's root (no sub-prefixes). */
  list(): Promise<StoredObject[]>;
  /** Removes an object; removing a missing object is not an error. */
  remove(key: string): Promise<void>;
}

/** An object that is not in the store. */
export class NotFoundError extends Error {
  constructor(
    readonly store: string,
    readonly key: string,
  ) {
    super(`${key} not found in ${store}: check the store and the backup id (bloom-dr backups --store ${store})`);
    this.name = "NotFoundError";
  }
}

/** Keys are plain names: no directories, no traversal, safe as file names and S3 keys. */
export function assertPlainKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key) || key.includes("..")) {
    throw new Error(`invalid store key "${key}": keys are plain names of letters, digits, ".", "_" and "-"`);
  }
}
