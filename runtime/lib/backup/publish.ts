/** The last steps of a backup: its manifest, then latest.json, undone as far as the store allows. */
import { BackupStore } from "../store/types";
import { leftOver } from "./failedBackup";
import { BackupManifest, LATEST_KEY, latestPointerFor, manifestKeyFor, parseLatestPointer } from "./manifest";

type Fail = (reason: string) => Error;

/**
 * Manifest, then latest.json. A failure between the two removes the manifest and the dump, so
 * the store holds either the complete backup or nothing of it. latest.json only moves forward:
 * a backup that finishes after a newer one leaves latest.json on the newer. Where the store
 * refuses the removal (the S3 vault denies deletes), the error says what stayed (leftOver).
 */
export async function publish(
  store: BackupStore,
  manifest: BackupManifest,
  signal: AbortSignal | undefined,
  fail: Fail,
): Promise<void> {
  const manifestKey = manifestKeyFor(manifest.id);
  let manifestWritten = false;
  try {
    throwIfAborted(signal, fail);
    await store.putText(manifestKey, `${JSON.stringify(manifest, null, 2)}\n`);
    manifestWritten = true;
    throwIfAborted(signal, fail);
    const current = await store.getText(LATEST_KEY);
    const currentId = current ? safeLatestId(current) : undefined;
    if (!currentId || currentId < manifest.id) {
      await store.putText(LATEST_KEY, `${JSON.stringify(latestPointerFor(manifest), null, 2)}\n`);
    }
  } catch (err) {
    const reason = err instanceof Error && err.message.startsWith("backup of ") ? "interrupted" : firstLine(err);
    throw fail(`${reason}${await leftOver(store, manifest, manifestWritten)}`);
  }
}

function safeLatestId(text: string): string | undefined {
  try {
    return parseLatestPointer(text, LATEST_KEY).id;
  } catch {
    return undefined; // a malformed pointer is replaced by a good one
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

function throwIfAborted(signal: AbortSignal | undefined, fail: Fail): void {
  if (signal?.aborted) throw fail("interrupted");
}
