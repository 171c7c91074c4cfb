import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { contentTypeFor } from "./contentType";
import { stageMultipart } from "./s3Staging";
import { Slots } from "./slots";
import { assertPlainKey, BackupStore, NotFoundError, StagedObject, StoredObject } from "./types";

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix without leading or trailing slash; "" for the bucket root. */
  prefix: string;
  /** SSE-KMS key (id, ARN or alias): every object is written encrypted with it. */
  kmsKeyId?: string;
  /**
   * Multipart part size. Default 8 MiB: memory is about partSize × (queueSize + 1) ≈ 40 MiB,
   * and S3's 10,000-part limit then allows dumps up to about 80 GB.
   */
  partSize?: number;
  /**
   * Parts uploaded in parallel, for one object and across the objects of a directory-format dump
   * that upload at once (one store-wide budget). Default 4.
   */
  queueSize?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Backups under s3://bucket/prefix through the AWS SDK v3. Endpoint, region and credentials come
 * from the standard settings (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, the default
 * credential chain), so any S3-compatible server works; with a custom endpoint requests use
 * path-style addressing, which such servers expect.
 */
export class S3Store implements BackupStore {
  readonly client: S3Client;
  /** Staged parts in flight across all uploads: memory stays about partSize × (queueSize + uploads). */
  private readonly partSlots: Slots;

  constructor(readonly options: S3StoreOptions) {
    this.client = new S3Client(s3ClientConfig(options.env ?? process.env));
    this.partSlots = new Slots(options.queueSize ?? 4);
  }

  private get basePrefix(): string {
    return this.options.prefix ? `${this.options.prefix}/` : "";
  }

  describe(): string {
    return `s3://${this.options.bucket}${this.options.prefix ? `/${this.options.prefix}` : ""}`;
  }

  private keyFor(key: string): string {
    assertPlainKey(key);
    return `${this.basePrefix}${key}`;
  }

  private encryption(): { ServerSideEncryption?: "aws:kms"; SSEKMSKeyId?: string } {
    return this.options.kmsKeyId ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: this.options.kmsKeyId } : {};
  }

  /**
   * Multipart upload that S3 only makes visible on CompleteMultipartUpload. On any failure the
   * body is destroyed first, so lib-storage aborts the multipart upload (AbortMultipartUpload)
   * before put() settles and no part is left behind to be billed or read.
   */
  async put(key: string, body: Readable, signal?: AbortSignal): Promise<{ bytes: number }> {
    const fullKey = this.keyFor(key);
    let bytes = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    const feeding = pipeline(body, counted).catch((err) => err as Error);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: fullKey, Body: counted, ...this.encryption() },
      partSize: this.options.partSize ?? 8 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 4,
      leavePartsOnError: false,
    });
    const onAbort = () => counted.destroy(Object.assign(new Error("interrupted"), { name: "AbortError" }));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      await upload.done();
      const feedError = await feeding;
      if (feedError) throw feedError;
      return { bytes };
    } catch (err) {
      // err is the body's own error when the source failed (lib-storage rethrows it after the abort)
      body.destroy();
      counted.destroy();
      await feeding;
      throw new Error(`uploading ${key} to ${this.describe()} failed: ${describeS3Error(err)}`);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * A multipart upload completed only by commit(); until then nothing is visible, and discard()
   * aborts it, which needs s3:AbortMultipartUpload rather than the vault-denied s3:DeleteObject.
   */
  async stage(key: string, body: Readable, signal?: AbortSignal): Promise<StagedObject> {
    const target = {
      client: this.client,
      bucket: this.options.bucket,
      key: this.keyFor(key),
      encryption: this.encryption(),
      partSize: this.options.partSize ?? 8 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 4,
      slots: this.partSlots,
    };
    const failed = (err: unknown) =>
      new Error(`uploading ${key} to ${this.describe()} failed: ${describeS3Error(err)}`);
    let staged: StagedObject;
    try {
      staged = await stageMultipart(target, body, signal);
    } catch (err) {
      throw failed(err);
    }
    return {
      bytes: staged.bytes,
      commit: () => staged.commit().catch((err: unknown) => Promise.reject(failed(err))),
      discard: () =>
        staged
          .discard()
          .catch((err: unknown) =>
            Promise.reject(
              new Error(`aborting the upload of ${key} to ${this.describe()} failed: ${describeS3Error(err)}`),
            ),
          ),
    };
  }

  async putText(key: string, text: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.keyFor(key),
          Body: text,
          ContentType: contentTypeFor(key),
          ...this.encryption(),
        }),
      );
    } catch (err) {
      throw new Error(`writing ${key} to ${this.describe()} failed: ${describeS3Error(err)}`);
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyFor(key) }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(this.describe(), key);
      throw new Error(`reading ${key} from ${this.describe()} failed: ${describeS3Error(err)}`);
    }
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyFor(key) }));
      return await out.Body!.transformToString("utf8");
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new Error(`reading ${key} from ${this.describe()} failed: ${describeS3Error(err)}`);
    }
  }

  async list(under?: string): Promise<StoredObject[]> {
    if (under !== undefined) assertPlainKey(`${under}/x`);
    const base = this.basePrefix;
    const prefix = under === undefined ? base : `${base}${under}/`;
    const out: StoredObject[] = [];
    try {
      await this.listPages(prefix, (page) => {
        for (const item of page.Contents ?? []) {
          if (!item.Key) continue;
          out.push({
            key: item.Key.slice(base.length),
            size: item.Size ?? 0,
            modified: item.LastModified ?? new Date(0),
          });
        }
      });
    } catch (err) {
      throw new Error(`listing ${this.describe()} failed: ${describeS3Error(err)}`);
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  /** The "directories" directly under the prefix: S3's common prefixes. */
  async directories(): Promise<string[]> {
    const base = this.basePrefix;
    const out: string[] = [];
    try {
      await this.listPages(base, (page) => {
        for (const common of page.CommonPrefixes ?? []) {
          if (common.Prefix) out.push(common.Prefix.slice(base.length, -1));
        }
      });
    } catch (err) {
      throw new Error(`listing ${this.describe()} failed: ${describeS3Error(err)}`);
    }
    return out.sort();
  }

  private async listPages(prefix: string, onPage: (page: ListObjectsV2CommandOutput) => void): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          Delimiter: "/",
          ContinuationToken: token,
        }),
      );
      onPage(page);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyFor(key) }));
    } catch (err) {
      throw new Error(`removing ${key} from ${this.describe()} failed: ${describeS3Error(err)}`);
    }
  }
}

/** Client settings from the standard AWS environment variables. */
export function s3ClientConfig(env: NodeJS.ProcessEnv): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const config: S3ClientConfig = {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    maxAttempts: 3,
  };
  if (endpoint) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
    // S3-compatible servers often reject the SDK's default flexible checksums (aws-chunked
    // trailers); only send them when the operation requires one. An explicit setting wins.
    config.requestChecksumCalculation = (env.AWS_REQUEST_CHECKSUM_CALCULATION as "WHEN_REQUIRED") || "WHEN_REQUIRED";
    config.responseChecksumValidation = (env.AWS_RESPONSE_CHECKSUM_VALIDATION as "WHEN_REQUIRED") || "WHEN_REQUIRED";
  }
  if (env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    };
  }
  return config;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/** One line: the S3 error code and message, never the request's credentials. */
export function describeS3Error(err: unknown): string {
  const e = err as { name?: string; message?: string; Code?: string };
  const text = (e?.message ?? String(err)).split("\n")[0];
  const code = e?.Code ?? e?.name;
  const line = code && code !== "Error" && !text.startsWith(code) ? `${code}: ${text}` : text;
  // the SDK's own message names no remedy; its provider chain reads these variables
  return /Could not load credentials/i.test(text)
    ? `${line}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and AWS_REGION`
    : line;
}
