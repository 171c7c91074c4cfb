import { createReadStream } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { HashingStream } from "../backup/hashingStream";
import { forEachLimited } from "./slots";
import { stageObject } from "./staging";
import { assertPlainKey, BackupStore, StagedDirectory, StagedObject, StageDirectoryOptions } from "./types";

/** CompleteMultipartUpload requests sent at once when a directory is committed. */
const COMMIT_CONCURRENCY = 8;

/**
 * Stages a directory of files under `<key>/` in any store: the store's own (a file store stages in
 * place) or, for a remote store, a private local directory (mkdtemp under tempDir, 0700) whose
 * files are each staged with the store's stage() (an uncompleted S3 multipart upload) and removed
 * locally once staged. Commit completes every upload; discard aborts them and removes the local
 * directory, so a failure needs no delete. Only a commit that fails half-way has made some files
 * visible: discard then removes those, which a store that refuses deletes reports.
 */
export async function stageDirectory(
  store: BackupStore,
  key: string,
  options: StageDirectoryOptions = {},
): Promise<StagedDirectory> {
  if (store.stageDirectory) return store.stageDirectory(key, options);
  assertPlainKey(`${key}/x`);
  const dir = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), `bloom-dr-${key}-`));
  const staged = new Map<string, StagedObject>();
  const committed = new Set<string>();
  return {
    dir,
    movesFiles: true,
    add: async (name, signal) => {
      assertPlainKey(`${key}/${name}`);
      const file = path.join(dir, name);
      const hashing = new HashingStream();
      const source = createReadStream(file, { highWaterMark: 1024 * 1024 });
      const feeding = pipeline(source, hashing).then(
        () => undefined,
        (err: Error) => err,
      );
      let object: StagedObject;
      try {
        object = await stageObject(store, `${key}/${name}`, hashing, signal);
      } catch (err) {
        source.destroy();
        await feeding;
        throw err;
      }
      staged.set(name, object);
      const readError = await feeding;
      if (readError) throw readError;
      if (object.bytes !== hashing.bytes) {
        throw new Error(`the store staged ${object.bytes} bytes of ${key}/${name} but the file has ${hashing.bytes}`);
      }
      await rm(file);
      return { bytes: hashing.bytes, sha256: hashing.sha256 };
    },
    commit: async () => {
      const stray = await readdir(dir);
      if (stray.length > 0)
        throw new Error(`writing ${key}/ to ${store.describe()} failed: ${stray[0]} was never staged`);
      await forEachLimited([...staged], COMMIT_CONCURRENCY, async ([name, object]) => {
        await object.commit();
        committed.add(name);
      });
      await rm(dir, { recursive: true, force: true });
    },
    discard: async () => {
      await rm(dir, { recursive: true, force: true });
      const entries = [...staged];
      staged.clear();
      let refused: unknown;
      await forEachLimited(entries, COMMIT_CONCURRENCY, async ([name, object]) => {
        try {
          if (committed.has(name)) await store.remove(`${key}/${name}`);
          else await object.discard();
        } catch (err) {
          refused ??= err;
        }
      });
      if (refused !== undefined) throw refused;
    },
  };
}
