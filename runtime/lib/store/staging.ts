import type { Readable } from "node:stream";
import type { BackupStore, StagedObject } from "./types";

/**
 * Stages an object in any store: the store's own staging (an S3 multipart upload, a hidden temp
 * file) when it has one, otherwise a plain put that "commit" leaves as it is and "discard"
 * removes, which is all a store without staging can offer.
 */
export async function stageObject(
  store: BackupStore,
  key: string,
  body: Readable,
  signal?: AbortSignal,
): Promise<StagedObject> {
  if (store.stage) return store.stage(key, body, signal);
  const { bytes } = await store.put(key, body, signal);
  return { bytes, commit: async () => undefined, discard: () => store.remove(key) };
}
