import { BackupStore } from "./types";

export interface OpenStoreOptions {
  /** KMS key (id, ARN or alias) for SSE-KMS on S3 writes. */
  kmsKeyId?: string;
  /** Environment to read the S3 endpoint, region and credentials from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens a store from its spec: "s3://bucket/prefix", "file:///abs/dir" or a plain path.
 */
export function openStore(spec: string, options: OpenStoreOptions = {}): BackupStore {
  void spec;
  void options;
  throw new Error("openStore: not implemented yet");
}
