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

/** One finished file of a staged directory, as read once while it was staged. */
export interface StagedFile {
  readonly bytes: number;
  /** Hex sha256 of the bytes staged. */
  readonly sha256: string;
}

/**
 * A directory of files written by another program (pg_dump --format=directory) and staged in a
 * store as `<key>/<name>`: nothing is visible until commit(), and discard() leaves nothing, without
 * a delete. The producer writes into `dir`; each file is staged with add() once it is complete.
 */
export interface StagedDirectory {
  /** The local directory the producer writes into: created empty, mode 0700. */
  readonly dir: string;
  /**
   * Whether add() removes the local file once the store holds it (a remote store): the local disk
   * then holds only files not yet added. False where `dir` is already inside the store.
   */
  readonly movesFiles: boolean;
  /**
   * Stages one complete file of `dir` (a plain name) and returns its size and sha256, computed
   * from the one read that staged it. The file must not change afterwards.
   */
  add(name: string, signal?: AbortSignal): Promise<StagedFile>;
  /** Makes every added file visible under `<key>/<name>`; refuses files of `dir` never added. */
  commit(): Promise<void>;
  /** Drops everything staged and the local directory; nothing stays visible. Safe to call twice. */
  discard(): Promise<void>;
}

export interface StageDirectoryOptions {
  /** Where a remote store's local directory goes; default os.tmpdir() (Lambda: /tmp). */
  tempDir?: string;
}

/**
 * Where backups live: a local directory or an S3 prefix. Keys are relative to the store's root:
 * a plain name ("<id>.dump", "<id>.json", "latest.json") or one directory level deep
 * ("<id>/toc.dat": the files of a directory-format dump, as `aws s3 cp --recursive` copies them).
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
  /**
   * Stages a directory of files under `<key>/` (see StagedDirectory). Optional:
   * stageDirectory() in stagedDirectory.ts stages each file with stage() otherwise.
   */
  stageDirectory?(key: string, options?: StageDirectoryOptions): Promise<StagedDirectory>;
  /** Writes a small text object (manifest, latest.json), also atomically. */
  putText(key: string, text: string): Promise<void>;
  /** Reads an object; throws a one-line NotFoundError when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Reads a small text object; undefined when it does not exist. */
  getText(key: string): Promise<string | undefined>;
  /**
   * Every object directly under the store's root (no sub-directories), or with `under` (a plain
   * name), every object in that directory, with keys `<under>/<name>`.
   */
  list(under?: string): Promise<StoredObject[]>;
  /** The directories directly under the root (plain names). Optional: a store without them has none. */
  directories?(): Promise<string[]>;
  /**
   * The object's path on this machine, for stores that are a local directory: readers (restore,
   * verification) then read it in place instead of copying it. Undefined elsewhere.
   */
  localPath?(key: string): string;
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

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A plain name: letters, digits, ".", "_" and "-", not starting with a dot, no "..". */
export function isPlainName(name: string): boolean {
  return PLAIN_NAME.test(name) && !name.includes("..");
}

/**
 * Keys are a plain name or `<directory>/<name>` with both parts plain names: no deeper paths, no
 * traversal, safe as file names and S3 keys.
 */
export function assertPlainKey(key: string): void {
  const parts = key.split("/");
  if (parts.length > 2 || !parts.every(isPlainName)) {
    throw new Error(
      `invalid store key "${key}": keys are plain names of letters, digits, ".", "_" and "-", at most one directory deep`,
    );
  }
}

/** "<id>/toc.dat" → { dir: "<id>", name: "toc.dat" }; a plain key has no dir. */
export function splitKey(key: string): { dir?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { dir: key.slice(0, slash), name: key.slice(slash + 1) };
}
