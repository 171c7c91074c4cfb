import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { assertPlainKey, BackupStore, NotFoundError, StagedObject, StoredObject } from "./types";

/** Temp files are hidden (leading dot) and marked, so list() never shows a partial object. */
const TEMP_PATTERN = /^\..+\.[0-9a-f]{12}\.partial$/;

/**
 * A directory of backups. Every write goes to a hidden temp file in the same directory, is
 * fsynced, then renamed over the key: readers see the whole object or nothing, even across a
 * crash. Files are created 0600 and the directory 0700: dumps hold the whole database.
 */
export class FileStore implements BackupStore {
  constructor(readonly dir: string) {}

  describe(): string {
    return pathToFileURL(this.dir).href;
  }

  async put(key: string, body: Readable, signal?: AbortSignal): Promise<{ bytes: number }> {
    const staged = await this.stage(key, body, signal);
    await staged.commit();
    return { bytes: staged.bytes };
  }

  /** The whole object in a hidden, fsynced temp file; commit renames it over the key. */
  async stage(key: string, body: Readable, signal?: AbortSignal): Promise<StagedObject> {
    assertPlainKey(key);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.dir, `.${key}.${randomBytes(6).toString("hex")}.partial`);
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
          await rename(temp, path.join(this.dir, key));
          await syncFile(this.dir, true);
        } catch (err) {
          await rm(temp, { force: true });
          throw new Error(`writing ${key} to ${this.describe()} failed: ${messageOf(err)}`);
        }
      },
      discard: () => rm(temp, { force: true }),
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

  async list(): Promise<StoredObject[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const out: StoredObject[] = [];
    for (const name of names.sort()) {
      if (name.startsWith(".")) continue;
      const info = await stat(path.join(this.dir, name)).catch(() => undefined);
      if (info?.isFile()) out.push({ key: name, size: info.size, modified: info.mtime });
    }
    return out;
  }

  /** Temp files left by a process that was killed before it could clean up (SIGKILL, power loss). */
  async listPartials(): Promise<StoredObject[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: StoredObject[] = [];
    for (const name of names.filter((n) => TEMP_PATTERN.test(n))) {
      const info = await stat(path.join(this.dir, name)).catch(() => undefined);
      if (info) out.push({ key: name, size: info.size, modified: info.mtime });
    }
    return out;
  }

  async remove(key: string): Promise<void> {
    if (!TEMP_PATTERN.test(key)) assertPlainKey(key);
    await rm(path.join(this.dir, key), { force: true });
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
