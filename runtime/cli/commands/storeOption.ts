import { existsSync } from "node:fs";
import { openStore, parseStoreSpec } from "../../lib/store/openStore";
import { BackupStore } from "../../lib/store/types";
import { CommandContext, requiredOption, UsageError } from "../command";

export const STORE_OPTION = {
  type: "string",
  value: "STORE",
  required: true,
  description: "where backups live: a directory (path or file:///abs/dir) or s3://bucket/prefix",
} as const;

/**
 * Opens the store named by --store; a spec the engine cannot open is the user's to fix (exit 2).
 * `existing`: the command only reads, so a local directory that does not exist is a typo, not an
 * empty store (backup creates it instead).
 */
export function storeFromOptions(
  ctx: CommandContext,
  options: { kmsKeyId?: string; existing?: boolean } = {},
): BackupStore {
  const spec = requiredOption(ctx, "store", STORE_OPTION.description);
  let store: BackupStore;
  try {
    const parsed = parseStoreSpec(spec);
    if (options.existing && parsed.kind === "file" && !existsSync(parsed.dir)) {
      throw new Error(`directory ${parsed.dir} does not exist: check the path (bloom-dr backup creates it)`);
    }
    store = openStore(spec, { kmsKeyId: options.kmsKeyId });
  } catch (err) {
    throw new UsageError(`--store ${spec}: ${(err as Error).message}`);
  }
  return store;
}

/** Whether a --store spec names an S3 prefix (rather than a local directory). */
export function isS3Spec(spec: string): boolean {
  return /^s3:\/\//i.test(spec.trim());
}
