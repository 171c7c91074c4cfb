/**
 * Staged writes, which backups use for their dumps: nothing is visible under the key until
 * commit, and discard leaves nothing (no object, no temp file, no open multipart upload) without
 * needing a delete. Real stores: a directory and s3rver through the AWS SDK.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { FileStore } from "../../../runtime/lib/store/fileStore";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { stageObject } from "../../../runtime/lib/store/staging";
import { BackupStore } from "../../../runtime/lib/store/types";
import { S3Request, startS3Server, TestS3Server } from "../../support/s3Server";

const PART = 5 * 1024 * 1024;
let s3: TestS3Server;
let dir: string;
let counter = 0;
let deletes: S3Request[] = [];

beforeAll(async () => {
  s3 = await startS3Server("bloom-staging");
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-staging-"));
  s3.failWhen((request) => {
    if (request.method === "DELETE" && !request.query.has("uploadId")) deletes.push(request);
    return false;
  });
});
afterAll(async () => {
  await s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => (deletes = []));

const stores: Record<string, () => { store: BackupStore; leftovers: () => Promise<string[]> }> = {
  file: () => {
    const root = path.join(dir, `store-${++counter}`);
    return {
      store: new FileStore(root),
      leftovers: async () => readdirSync(root).filter((name) => name.startsWith(".")),
    };
  },
  s3: () => ({
    store: new S3Store({ bucket: s3.bucket, prefix: `staged-${++counter}`, env: s3.env, partSize: PART, queueSize: 2 }),
    leftovers: async () => (await s3.listMultipartUploads()).map((upload) => upload.key),
  }),
};

/** Deterministic bytes: several parts plus a short last one. */
function payload(size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + 7) % 251;
  return buffer;
}

async function read(store: BackupStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(Object.keys(stores))("%s store", (kind) => {
  test.each([
    ["empty", 0],
    ["one short part", 1000],
    ["two full parts and a short one", 2 * PART + 12345],
  ])("%s: invisible until commit, then exactly the bytes written", async (_label, size) => {
    const { store, leftovers } = stores[kind]();
    const data = payload(size);
    const staged = await stageObject(store, "a.dump", Readable.from([data]));
    expect(staged.bytes).toBe(size);
    expect((await store.list()).map((o) => o.key)).toEqual([]);
    await staged.commit();
    expect((await store.list()).map((o) => [o.key, o.size])).toEqual([["a.dump", size]]);
    expect((await read(store, "a.dump")).equals(data)).toBe(true);
    expect(await leftovers()).toEqual([]);
  });

  test("discard leaves nothing, without a delete", async () => {
    const { store, leftovers } = stores[kind]();
    const staged = await stageObject(store, "b.dump", Readable.from([payload(PART + 1)]));
    await staged.discard();
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
    expect(deletes).toEqual([]);
  });

  test("a body that fails mid-stream stages nothing and leaves nothing", async () => {
    const { store, leftovers } = stores[kind]();
    async function* failing() {
      yield payload(PART + 100);
      throw new Error("pg_dump died (injected)");
    }
    await expect(stageObject(store, "c.dump", Readable.from(failing()))).rejects.toThrow(/c\.dump/);
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  test("an abort signal stops the upload and leaves nothing", async () => {
    const { store, leftovers } = stores[kind]();
    const controller = new AbortController();
    async function* slow() {
      yield payload(PART + 100);
      controller.abort();
      yield payload(10);
    }
    await expect(stageObject(store, "d.dump", Readable.from(slow()), controller.signal)).rejects.toThrow(/d\.dump/);
    expect(await store.list()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });
});

test("a store without staging falls back to put: discard removes what put wrote", async () => {
  const inner = new FileStore(path.join(dir, `plain-${++counter}`));
  const plain: BackupStore = {
    describe: () => inner.describe(),
    put: (k, b, s) => inner.put(k, b, s),
    putText: (k, t) => inner.putText(k, t),
    get: (k) => inner.get(k),
    getText: (k) => inner.getText(k),
    list: () => inner.list(),
    remove: (k) => inner.remove(k),
  };
  const staged = await stageObject(plain, "e.dump", Readable.from([payload(10)]));
  expect((await plain.list()).map((o) => o.key)).toEqual(["e.dump"]);
  await staged.discard();
  expect(await plain.list()).toEqual([]);
});
