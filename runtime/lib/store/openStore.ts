import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileStore } from "./fileStore";
import type { S3Store } from "./s3Store";
import { BackupStore } from "./types";

export interface OpenStoreOptions {
  /** KMS key (id, ARN or alias) for SSE-KMS on S3 writes. */
  kmsKeyId?: string;
  /** Environment to read the S3 endpoint, region and credentials from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export type StoreSpec = { kind: "file"; dir: string } | { kind: "s3"; bucket: string; prefix: string };

/** Parses "s3://bucket/prefix", "file:///abs/dir" or a plain (absolute or relative) path. */
export function parseStoreSpec(spec: string): StoreSpec {
  const trimmed = spec.trim();
  if (!trimmed) throw new Error("store is empty: use s3://bucket/prefix, file:///abs/dir or a directory path");
  if (/^s3:\/\//i.test(trimmed)) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(trimmed);
    const bucket = m?.[1] ?? "";
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(
        `store ${spec} has an invalid bucket name "${bucket}": use s3://bucket/prefix with a lowercase S3 bucket name`,
      );
    }
    const prefix = (m?.[2] ?? "").replace(/^\/+|\/+$/g, "");
    if (prefix.split("/").some((part) => part === "." || part === ".."))
      throw new Error(`store ${spec} has "." or ".." in its prefix`);
    return { kind: "s3", bucket, prefix };
  }
  if (/^file:/i.test(trimmed)) {
    let dir: string;
    try {
      dir = fileURLToPath(trimmed);
    } catch {
      throw new Error(`store ${spec} is not a valid file URL: use file:///absolute/dir or a plain path`);
    }
    return { kind: "file", dir };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new Error(
      `store ${spec} has an unsupported scheme: use s3://bucket/prefix, file:///abs/dir or a directory path`,
    );
  }
  return { kind: "file", dir: path.resolve(trimmed) };
}

/** Opens a store from its spec: "s3://bucket/prefix", "file:///abs/dir" or a plain path. */
export function openStore(spec: string, options: OpenStoreOptions = {}): BackupStore {
  const parsed = parseStoreSpec(spec);
  if (parsed.kind === "file") return new FileStore(parsed.dir);
  // Loaded on demand: the AWS SDK costs ~350 ms of start-up that local stores should not pay.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { S3Store: S3StoreClass } = require("./s3Store") as { S3Store: typeof S3Store };
  return new S3StoreClass({
    bucket: parsed.bucket,
    prefix: parsed.prefix,
    kmsKeyId: options.kmsKeyId,
    env: options.env,
  });
}

/** Whether a store keeps its own retention (S3: lifecycle rules and Object Lock), so prune must not. */
export function isS3Store(store: BackupStore): boolean {
  return store.describe().startsWith("s3://");
}
