/**
 * An S3 object staged as a multipart upload that is only completed on commit. Until then nothing
 * is visible under the key, and discarding it is AbortMultipartUpload, which the dump job's role
 * may call and the vault's bucket policy does not deny, unlike DeleteObject. (lib-storage's Upload
 * completes by itself and sends small bodies as one PutObject, so it cannot stage.)
 */
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CompletedPart,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { Slots } from "./slots";
import type { StagedObject } from "./types";

/** S3's limit on the parts of one upload. */
export const MAX_PARTS = 10_000;

export interface MultipartTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly encryption: { ServerSideEncryption?: "aws:kms"; SSEKMSKeyId?: string };
  /** Every part but the last has exactly this size (S3: at least 5 MiB). */
  readonly partSize: number;
  /** Parts of this upload in flight at once. */
  readonly queueSize: number;
  /** Parts in flight across every upload of the store: bounds memory when files upload in parallel. */
  readonly slots?: Slots;
}

export async function stageMultipart(
  target: MultipartTarget,
  body: Readable,
  signal?: AbortSignal,
): Promise<StagedObject> {
  const { client, bucket: Bucket, key: Key } = target;
  // As lib-storage: with the SDK's default checksums, the upload declares CRC32 for its parts.
  const checksums = (await client.config.requestChecksumCalculation()) === "WHEN_SUPPORTED";
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket,
      Key,
      ...target.encryption,
      ...(checksums ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
    }),
  );
  const UploadId = created.UploadId!;
  // An upload already gone (aborted by a failed commit, or by an earlier discard) is discarded.
  const abort = () =>
    client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).then(
      () => undefined,
      (err: { name?: string }) => {
        if (err?.name !== "NoSuchUpload") throw err;
      },
    );

  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let partNumber = 0;
  let bytes = 0;
  const send = async (data: Buffer) => {
    const PartNumber = ++partNumber;
    if (PartNumber > MAX_PARTS) throw new Error(`more than ${MAX_PARTS} parts of ${target.partSize} bytes`);
    const release = target.slots ? await target.slots.acquire() : () => undefined;
    const upload = client
      .send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: data }))
      .then((out) => {
        const { ETag, ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256 } = out;
        parts.push({
          PartNumber,
          ETag,
          ChecksumCRC32,
          ChecksumCRC32C,
          ChecksumCRC64NVME,
          ChecksumSHA1,
          ChecksumSHA256,
        });
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        release();
        inFlight.delete(upload);
      });
    inFlight.add(upload);
    if (inFlight.size >= target.queueSize) await Promise.race(inFlight);
    if (failure !== undefined) throw failure;
  };

  const onAbort = () => body.destroy(Object.assign(new Error("interrupted"), { name: "AbortError" }));
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (signal?.aborted) onAbort();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      bytes += chunk.length;
      while (pendingBytes >= target.partSize) {
        const joined = Buffer.concat(pending);
        await send(joined.subarray(0, target.partSize));
        pending = [joined.subarray(target.partSize)];
        pendingBytes = pending[0].length;
      }
    }
    // The last part may be short, or empty when the body was (one empty part is a valid upload).
    if (pendingBytes > 0 || partNumber === 0) await send(Buffer.concat(pending));
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  } catch (err) {
    body.destroy();
    await Promise.allSettled(inFlight);
    await abort().catch(() => undefined); // the lifecycle rule aborts it after a day otherwise
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }

  parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
  return {
    bytes,
    commit: async () => {
      try {
        await client.send(
          new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
        );
      } catch (err) {
        await abort().catch(() => undefined);
        throw err;
      }
    },
    discard: abort,
  };
}
