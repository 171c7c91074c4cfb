import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { FileStore } from "../../../runtime/lib/store/fileStore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { BackupStore, NotFoundError } from "../../../runtime/lib/store/types";
import { startS3Server, TestS3Server } from "../../support/s3Server";

/** A stream of `total` bytes in 64 KiB chunks that fails with `error` once `failAfter` bytes are out. */
function byteStream(data: Buffer, failAfter?: number, onChunk?: (sent: number) => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) {
        this.destroy(new Error("source failed mid-stream"));
        return;
      }
      if (sent >= data.length) {
        this.push(null);
        return;
      }
      const chunk = data.subarray(sent, sent + 64 * 1024);
      sent += chunk.length;
      onChunk?.(sent);
      this.push(chunk);
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

let s3: TestS3Server;
let dir: string;
const stores: Record<string, () => BackupStore> = {};

beforeAll(async () => {
  s3 = await startS3Server();
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-store-"));
  stores.file = () => openStore(`file://${dir}`);
  // 5 MiB parts (S3's minimum) so that a 12 MiB object is a real 3-part multipart upload
  stores.s3 = () =>
    new S3Store({ bucket: s3.bucket, prefix: "team/bloom", env: s3.env, partSize: 5 * 1024 * 1024, queueSize: 2 });
});
afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function leftovers(kind: string): Promise<string[]> {
  if (kind === "file") return readdirSync(dir);
  const uploads = await s3.listMultipartUploads();
  return [...(await s3.listKeys()), ...uploads.map((u) => `upload:${u.key}`)];
}

describe.each(["file", "s3"])("%s store", (kind) => {
  const store = () => stores[kind]();

  test("put/get round trip of a multipart-sized object, listed with its size", async () => {
    const data = randomBytes(12 * 1024 * 1024 + 123);
    const { bytes } = await store().put("round.dump", byteStream(data));
    expect(bytes).toBe(data.length);
    expect((await readAll(await store().get("round.dump"))).equals(data)).toBe(true);
    const listed = await store().list();
    expect(listed.find((o) => o.key === "round.dump")?.size).toBe(data.length);
    await store().remove("round.dump");
    expect((await store().list()).map((o) => o.key)).not.toContain("round.dump");
    expect(await leftovers(kind)).toEqual([]);
  });

  test("text objects; missing objects: undefined from getText, NotFoundError from get", async () => {
    await store().putText("a.json", '{"x":1}');
    expect(await store().getText("a.json")).toBe('{"x":1}');
    expect(await store().getText("missing.json")).toBeUndefined();
    await expect(store().get("missing.dump")).rejects.toBeInstanceOf(NotFoundError);
    await expect(store().get("missing.dump")).rejects.toThrow(`missing.dump not found in ${store().describe()}`);
    await store().remove("a.json");
    await store().remove("a.json"); // removing twice is fine
  });

  test("a source failing mid-upload leaves no object, no temp file and no multipart upload", async () => {
    const data = randomBytes(12 * 1024 * 1024);
    await expect(store().put("fail.dump", byteStream(data, 7 * 1024 * 1024))).rejects.toThrow(
      /failed: source failed mid-stream/,
    );
    expect(await leftovers(kind)).toEqual([]);
  });

  test("an abort signal mid-upload leaves nothing behind", async () => {
    const data = randomBytes(12 * 1024 * 1024);
    const controller = new AbortController();
    const body = byteStream(data, undefined, (sent) => {
      if (sent >= 6 * 1024 * 1024) controller.abort();
    });
    await expect(store().put("abort.dump", body, controller.signal)).rejects.toThrow(/failed/);
    expect(await leftovers(kind)).toEqual([]);
  });

  test.each(["../etc/passwd", "a/b/c.dump", "a/../b", "a/.hidden", "/a", "a/", "", ".hidden"])(
    "refuses key %j",
    async (key) => {
      await expect(store().put(key, Readable.from([Buffer.from("x")]))).rejects.toThrow(/invalid store key/);
    },
  );

  test("keys one directory deep: listed under their directory only, the directory listed, removed with its last file", async () => {
    await store().put("d1/toc.dat", Readable.from([Buffer.from("toc")]));
    await store().put("d1/3414.dat.gz", Readable.from([Buffer.from("rows!")]));
    await store().putText("top.json", "{}");
    expect((await store().list()).map((o) => o.key)).toEqual(["top.json"]);
    expect((await store().list("d1")).map((o) => [o.key, o.size])).toEqual([
      ["d1/3414.dat.gz", 5],
      ["d1/toc.dat", 3],
    ]);
    expect(await store().list("nothing")).toEqual([]);
    expect(await store().directories!()).toEqual(["d1"]);
    expect((await readAll(await store().get("d1/toc.dat"))).toString()).toBe("toc");
    await store().remove("d1/toc.dat");
    expect(await store().directories!()).toEqual(["d1"]);
    await store().remove("d1/3414.dat.gz");
    await store().remove("top.json");
    expect(await store().directories!()).toEqual([]);
    expect(await leftovers(kind)).toEqual([]);
  });
});

test("file store: localPath names the object's file, for reading in place", async () => {
  const store = new FileStore(path.join(dir, "local"));
  await store.put("d/x.dat", Readable.from([Buffer.from("abc")]));
  expect(store.localPath("d/x.dat")).toBe(path.join(dir, "local", "d", "x.dat"));
  expect(statSync(path.join(dir, "local", "d")).mode & 0o777).toBe(0o700);
  expect(statSync(store.localPath("d/x.dat")).mode & 0o777).toBe(0o600);
  expect(() => store.localPath("../x")).toThrow(/invalid store key/);
  rmSync(path.join(dir, "local"), { recursive: true, force: true });
});

test("file store writes files 0600 in a 0700 directory, and only complete files are listed", async () => {
  const sub = path.join(dir, "modes");
  const store = new FileStore(sub);
  await store.putText("m.json", "{}");
  expect(statSync(sub).mode & 0o777).toBe(0o700);
  expect(statSync(path.join(sub, "m.json")).mode & 0o777).toBe(0o600);
  rmSync(sub, { recursive: true, force: true });
});

test("s3 store: a part rejected by the server aborts the multipart upload", async () => {
  const store = stores.s3();
  s3.failWhen((r) => r.method === "PUT" && r.query.get("partNumber") === "2");
  try {
    await expect(store.put("part.dump", byteStream(randomBytes(12 * 1024 * 1024)))).rejects.toThrow(
      /uploading part.dump to s3:\/\/bloom-vault\/team\/bloom failed: InternalError/,
    );
  } finally {
    s3.failWhen(undefined);
  }
  expect(await s3.listMultipartUploads()).toEqual([]);
  expect(await s3.listKeys()).toEqual([]);
});

test("s3 store: SSE-KMS headers on every write when a key is configured; keys under the prefix", async () => {
  const seen: string[] = [];
  s3.failWhen((r) => {
    if (r.method === "PUT" || r.method === "POST")
      seen.push(
        `${r.key} ${r.headers["x-amz-server-side-encryption"]} ${r.headers["x-amz-server-side-encryption-aws-kms-key-id"]}`,
      );
    return false;
  });
  try {
    const store = openStore(`s3://${s3.bucket}/kms`, { kmsKeyId: "alias/bloom-vault", env: s3.env });
    await store.putText("k.json", "{}");
    await store.put("k.dump", Readable.from([randomBytes(1000)]));
  } finally {
    s3.failWhen(undefined);
  }
  expect(seen).toEqual(["kms/k.json aws:kms alias/bloom-vault", "kms/k.dump aws:kms alias/bloom-vault"]);
  expect(await s3.listKeys("kms/")).toEqual(["kms/k.dump", "kms/k.json"]);
});

test("s3 store: a stopped server gives a one-line error naming the store", async () => {
  const other = await startS3Server("other-bucket");
  const store = openStore("s3://other-bucket/x", { env: other.env });
  await other.stop();
  await expect(store.list()).rejects.toThrow(/^listing s3:\/\/other-bucket\/x failed: .*ECONNREFUSED/);
});

test("the test server really reports open multipart uploads (so the 'none left' checks can fail)", async () => {
  const { CreateMultipartUploadCommand, AbortMultipartUploadCommand } = await import("@aws-sdk/client-s3");
  const created = await s3.client.send(
    new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: "team/bloom/open.dump" }),
  );
  expect(await s3.listMultipartUploads()).toEqual([{ key: "team/bloom/open.dump", uploadId: created.UploadId }]);
  await s3.client.send(
    new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: "team/bloom/open.dump", UploadId: created.UploadId }),
  );
  expect(await s3.listMultipartUploads()).toEqual([]);
});
