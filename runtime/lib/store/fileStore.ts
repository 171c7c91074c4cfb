import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { hashFile } from "./hashFile";
import {
  assertPlainKey,
  BackupStore,
  isPlainName,
  NotFoundError,
  splitKey,
  StagedDirectory,
  StagedFile,
  StagedObject,
  StoredObject,
} from "./types";

/** Temp files and staged directories are hidden (leading dot) and marked, so list() never shows them. */
const TEMP_PATTERN = /^\..+\.[0-9a-f]{12}\.partial$/;

/**
 * A directory of backups. Every write goes to a hidden temp file in the same directory, is
 * fsynced, then renamed over the key: readers see the whole object or nothing, even across a
 * crash. Files are created 0600 and directories 0700: dumps hold the whole database. A
 * directory-format dump is written by pg_dump straight into a hidden staging directory of the
 * store and renamed into place whole: no copy.
 */
export class FileStore implements BackupStore {
  constructor(readonly dir: string) {}

  describe(): string {
    return pathToFileURL(this.dir).href;
  }

  localPath(key: string): string {
    assertPlainKey(key);
    return path.join(this.dir, key);
  }

  async put(key: string, body: Readable, signal?: AbortSignal): Promise<{ bytes: number }> {
    const staged = await this.stage(key, body, signal);
    await staged.commit();
    return { bytes: staged.bytes };
  }

  /** The whole object in a hidden, fsynced temp file; commit renames it over the key. */
  async stage(key: string, body: Readable, signal?: AbortSignal): Promise<StagedObject> {
    assertPlainKey(key);
    const { dir, name } = splitKey(key);
    const parent = dir ? path.join(this.dir, dir) : this.dir;
    await mkdir(parent, { recursive: true, mode: 0o700 });
    const temp = path.join(parent, `.${name}.${randomBytes(6).toString("hex")}.partial`);
    let size: number;
    try {
      await pipeline(body, createWriteStream(temp, { flags: "wx", mode: 0o600 }), { signal });
      await syncFile(temp);
      ({ size } = await stat(temp));
    } catch (err) {
      await rm(temp, { force: true });
      body.destroy();
      throw new Error(`writing ${key} to ${this.describe()} failed: ${messageOf(err)}`);
    }
    return {
      bytes: size,
      commit: async () => {
        try {
          await rename(temp, path.join(parent, name));
          await syncFile(parent, true);
        } catch (err) {
          await rm(temp, { force: true });
          throw new Error(`writing ${key} to ${this.describe()} failed: ${messageOf(err)}`);
        }
      },
      discard: () => rm(temp, { force: true }),
    };
  }

  /**
   * A hidden directory in the store (`.<key>.<12 hex>.partial`, 0700) that pg_dump writes into.
   * add() reads each finished file once in place (sha256 and size), makes it 0600 and fsyncs it;
   * commit() renames the directory to `<key>` whole. Nothing is copied, and until the commit
   * nothing is listed, so a failed backup leaves nothing that needs a delete but this directory.
   */
  async stageDirectory(key: string): Promise<StagedDirectory> {
    if (!isPlainName(key)) assertPlainKey(`${key}/x`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `.${key}.${randomBytes(6).toString("hex")}.partial`);
    await mkdir(temp, { mode: 0o700 });
    const added = new Map<string, StagedFile>();
    const failed = (name: string, err: unknown) =>
      new Error(`writing ${key}/${name} to ${this.describe()} failed: ${messageOf(err)}`);
    return {
      dir: temp,
      movesFiles: false,
      add: async (name, signal) => {
        assertPlainKey(`${key}/${name}`);
        try {
          const staged = await hashFile(path.join(temp, name), { signal, sync: true, mode: 0o600 });
          added.set(name, staged);
          return staged;
        } catch (err) {
          throw failed(name, err);
        }
      },
      commit: async () => {
        try {
          const stray = (await readdir(temp)).filter((name) => !added.has(name));
          if (stray.length > 0) throw new Error(`${stray[0]} was never staged`);
          await syncFile(temp, true);
          await rename(temp, path.join(this.dir, key));
          await syncFile(this.dir, true);
        } catch (err) {
          await rm(temp, { recursive: true, force: true });
          throw new Error(`writing ${key}/ to ${this.describe()} failed: ${messageOf(err)}`);
        }
      },
      discard: () => rm(temp, { recursive: true, force: true }),
    };
  }

  async putText(key: string, text: string): Promise<void> {
    await this.put(key, Readable.from([Buffer.from(text)]));
  }

  async get(key: string): Promise<Readable> {
    assertPlainKey(key);
    const file = path.join(this.dir, key);
    try {
      await stat(file);
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(this.describe(), key);
      throw err;
    }
    return createReadStream(file);
  }

  async getText(key: string): Promise<string | undefined> {
    assertPlainKey(key);
    try {
      return await readFile(path.join(this.dir, key), "utf8");
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async list(under?: string): Promise<StoredObject[]> {
    if (under !== undefined) assertPlainKey(`${under}/x`);
    const dir = under === undefined ? this.dir : path.join(this.dir, under);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === "ENOTDIR") return [];
      throw err;
    }
    const out: StoredObject[] = [];
    for (const name of names.sort()) {
      if (name.startsWith(".")) continue;
      const info = await stat(path.join(dir, name)).catch(() => undefined);
      if (info?.isFile()) out.push({ key: under ? `${under}/${name}` : name, size: info.size, modified: info.mtime });
    }
    return out;
  }

  async directories(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch((err: unknown) => {
      if (isMissing(err)) return [];
      throw err;
    });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  }

  /**
   * Temp files and staging directories left by a process that was killed before it could clean
   * up (SIGKILL, power loss).
   */
  async listPartials(): Promise<StoredObject[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: StoredObject[] = [];
    for (const name of names.filter((n) => TEMP_PATTERN.test(n))) {
      const info = await stat(path.join(this.dir, name)).catch(() => undefined);
      if (info) out.push({ key: name, size: info.size, modified: info.mtime });
    }
    return out;
  }

  /** Removes a key; the last file of a directory takes the directory with it. */
  async remove(key: string): Promise<void> {
    if (TEMP_PATTERN.test(key)) {
      await rm(path.join(this.dir, key), { recursive: true, force: true });
      return;
    }
    assertPlainKey(key);
    await rm(path.join(this.dir, key), { force: true });
    const { dir } = splitKey(key);
    if (dir) {
      await rmdir(path.join(this.dir, dir)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST" && !isMissing(err)) throw err;
      });
    }
  }
}

/** fsync of the data, then of the directory: the rename is durable only once its entry is on disk. */
async function syncFile(file: string, isDirectory = false): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } catch (err) {
    if (!isDirectory) throw err; // some filesystems refuse fsync on directories; the data is synced
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === "ENOENT";
}

export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0];
}
