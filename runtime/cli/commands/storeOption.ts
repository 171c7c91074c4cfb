import { openStore } from "../../lib/store/openStore";
import { BackupStore } from "../../lib/store/types";
import { CommandContext, requiredOption, UsageError } from "../command";

export const STORE_OPTION = {
  type: "string",
  value: "STORE",
  required: true,
  description: "where backups live: a directory (path or file:///abs/dir) or s3://bucket/prefix",
} as const;

/** Opens the store named by --store; a spec the engine cannot open is the user's to fix (exit 2). */
export function storeFromOptions(ctx: CommandContext, options: { kmsKeyId?: string } = {}): BackupStore {
  const spec = requiredOption(ctx, "store", STORE_OPTION.description);
  try {
    return openStore(spec, options);
  } catch (err) {
    throw new UsageError(`--store ${spec}: ${(err as Error).message}`);
  }
}

/** Whether a --store spec names an S3 prefix (rather than a local directory). */
export function isS3Spec(spec: string): boolean {
  return /^s3:\/\//i.test(spec.trim());
}
