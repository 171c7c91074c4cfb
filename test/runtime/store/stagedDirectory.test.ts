/**
 * Staged directories, which directory-format backups use: pg_dump writes into a local directory,
 * each finished file is staged, nothing is visible under `<key>/` until commit, and discard leaves
 * nothing (no object, no local file, no open multipart upload) without a delete. Real stores: a
 * directory (staged in place, no copy) and s3rver through the AWS SDK (each file an uncompleted
 * multipart upload, the local file removed once staged).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileStore } from "../../../runtime/lib/store/fileStore";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { forEachLimited, Slots } from "../../../runtime/lib/store/slots";
import { stageDirectory } from "../../../runtime/lib/store/stagedDirectory";
import { BackupStore } from "../../../runtime/lib/store/types";
import { S3Request, startS3Server, TestS3Server } from "../../support/s3Server";

const PART = 5 * 1024 * 1024;
let s3: TestS3Server;
let dir: string;
let tempDir: string;
let counter = 0;
let deletes: S3Request[] = [];
let refuseDeletes = false;
let failRequest: ((r: S3Request) => boolean) | undefined;

beforeAll(async () => {
  s3 = await startS3Server("bloom-staging-dir");
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-staged-dir-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-staged-tmp-"));
  s3.failWhen((request) => {
    if (request.method === "DELETE" && !request.query.has("uploadId")) {
      deletes.push(request);
      if (refuseDeletes) return true;
    }
    return failRequest?.(request) ?? false;
  });
});
afterAll(async () => {
  await s3?.stop();
  for (const d of [dir, tempDir]) if (d) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  deletes = [];
  refuseDeletes = false;
  failRequest = undefined;
});

interface Harness {
  store: BackupStore;
  /** Temp files, staging directories and open multipart uploads left over. */
  leftovers: () => Promise<string[]>;
}

const stores: Record<string, () => Harness> = {
  file: () => {
    const root = path.join(dir, `store-${++counter}`);
    return {
      store: new FileStore(root),
      leftovers: async () => (existsSync(root) ? readdirSync(root).filter((n) => n.startsWith(".")) : []),
    };
  },
  s3: () => ({
    store: new S3Store({ bucket: s3.bucket, prefix: `dir-${++counter}`, env: s3.env, partSize: PART, queueSize: 2 }),
    leftovers: async () => [
      ...(await s3.listMultipartUploads()).map((upload) => `upload ${upload.key}`),
      ...readdirSync(tempDir).map((name) => `local ${name}`),
    ],
  }),
};

/** Deterministic bytes. */
function payload(size: number, seed = 7): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed) % 251;
  return buffer;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function read(store: BackupStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const FILES: Record<string, Buffer> = {
  "toc.dat": payload(3000, 1),
  "3414.dat.gz": payload(2 * PART + 777, 2),
  "3416.dat.gz": payload(0, 3),
};

describe.each(Object.keys(stores))("%s store", (kind) => {
  test("files staged one by one are invisible until commit, then exactly what was written", async () => {
    const { store, leftovers } = stores[kind]();
    const staged = await stageDirectory(store, "20261127T184800123Z-a1b2c3", { tempDir });
    expect(statSync(staged.dir).mode & 0o777).toBe(0o700);
    expect(staged.movesFiles).toBe(kind === "s3");
    for (const [name, data] of Object.entries(FILES)) {
      writeFileSync(path.join(staged.dir, name), data);
      expect(await staged.add(name)).toEqual({ bytes: data.length, sha256: sha256(data) });
      // a remote store keeps its own copy: the local one is gone; a file store keeps it in place, 0600
      if (kind === "s3") expect(existsSync(path.join(staged.dir, name))).toBe(false);
      else expect(statSync(path.join(staged.dir, name)).mode & 0o777).toBe(0o600);
    }
    expect(await store.directories!()).toEqual([]);
    expect(await store.list("20261127T184800123Z-a1b2c3")).toEqual([]);
    await staged.commit();
    expect(await store.directories!()).toEqual(["20261127T184800123Z-a1b2c3"]);
    expect((await store.list("20261127T184800123Z-a1b2c3")).map((o) => [o.key, o.size])).toEqual(
      Object.keys(FILES)
        .sort()
        .map((name) => [`20261127T184800123Z-a1b2c3/${name}`, FILES[name].length]),
    );
    for (const [name, data] of Object.entries(FILES))
      expect((await read(store, `20261127T184800123Z-a1b2c3/${name}`)).equals(data)).toBe(true);
    expect(await leftovers()).toEqual([]);
    expect(deletes).toEqual([]);
  });

  test("discard leaves nothing, without a delete", async () => {
    const { store, leftovers } = stores[kind]();
    const staged = await stageDirectory(store, "k", { tempDir });
    writeFileSync(path.join(staged.dir, "a.dat"), payload(PART + 10));
    writeFileSync(path.join(staged.dir, "b.dat"), payload(10)); // written, never added
    await staged.add("a.dat");
    await staged.discard();
    await staged.discard(); // twice is fine
    expect(await store.directories!()).toEqual([]);
    expect(await leftovers()).toEqual([]);
    expect(deletes).toEqual([]);
  });

  test("commit refuses a file that was never staged, and then nothing is visible", async () => {
    const { store, leftovers } = stores[kind]();
    const staged = await stageDirectory(store, "k", { tempDir });
    writeFileSync(path.join(staged.dir, "a.dat"), payload(100));
    await staged.add("a.dat");
    writeFileSync(path.join(staged.dir, "late.dat"), payload(100));
    await expect(staged.commit()).rejects.toThrow(/^writing k\/ to \S+ failed: late\.dat was never staged$/);
    await staged.discard();
    expect(await store.directories!()).toEqual([]);
    expect(await leftovers()).toEqual([]);
    expect(deletes).toEqual([]);
  });

  test("an abort while a file is staged fails that file; discard then leaves nothing", async () => {
    const { store, leftovers } = stores[kind]();
    const staged = await stageDirectory(store, "k", { tempDir });
    writeFileSync(path.join(staged.dir, "big.dat"), payload(3 * PART));
    const controller = new AbortController();
    controller.abort();
    await expect(staged.add("big.dat", controller.signal)).rejects.toThrow(/big\.dat/);
    await staged.discard();
    expect(await store.directories!()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  test("a file name that is not a plain name is refused", async () => {
    const { store } = stores[kind]();
    const staged = await stageDirectory(store, "k", { tempDir });
    await expect(staged.add("../escape")).rejects.toThrow(/invalid store key/);
    await staged.discard();
  });
});

test("s3: a part rejected mid-file fails that file and aborts its upload; discard leaves nothing", async () => {
  const { store, leftovers } = stores.s3();
  const staged = await stageDirectory(store, "k", { tempDir });
  writeFileSync(path.join(staged.dir, "ok.dat"), payload(100));
  writeFileSync(path.join(staged.dir, "big.dat"), payload(3 * PART));
  await staged.add("ok.dat");
  failRequest = (r) => r.method === "PUT" && r.query.get("partNumber") === "2";
  await expect(staged.add("big.dat")).rejects.toThrow(/uploading k\/big\.dat to s3:\/\/\S+ failed: InternalError/);
  failRequest = undefined;
  await staged.discard();
  expect(await s3.listKeys(`dir-${counter}/`)).toEqual([]);
  expect(await leftovers()).toEqual([]);
  expect(deletes).toEqual([]);
});

test("s3: a commit that fails half-way is undone by discard, and a store refusing the deletes says so", async () => {
  for (const refuse of [false, true]) {
    const { store } = stores.s3();
    const prefix = `dir-${counter}/`;
    const staged = await stageDirectory(store, "k", { tempDir });
    for (const name of ["a.dat", "b.dat", "c.dat"]) {
      writeFileSync(path.join(staged.dir, name), payload(10));
      await staged.add(name);
    }
    // CompleteMultipartUpload of b.dat fails: a.dat and c.dat become visible, b.dat does not
    failRequest = (r) => r.method === "POST" && r.query.has("uploadId") && r.key.endsWith("/b.dat");
    await expect(staged.commit()).rejects.toThrow(/b\.dat/);
    failRequest = undefined;
    expect((await s3.listKeys(prefix)).length).toBeGreaterThan(0);
    refuseDeletes = refuse;
    if (refuse) await expect(staged.discard()).rejects.toThrow(/removing k\/\w\.dat from \S+ failed: InternalError/);
    else await staged.discard();
    expect(await s3.listKeys(prefix)).toEqual(refuse ? [`${prefix}k/a.dat`, `${prefix}k/c.dat`] : []);
    expect(await s3.listMultipartUploads()).toEqual([]);
    refuseDeletes = false;
    for (const key of await s3.listKeys(prefix)) await store.remove(key.slice(prefix.length));
  }
});

test("s3: parts in flight across parallel files stay within the store's budget", async () => {
  let inFlight = 0;
  let most = 0;
  const store = new S3Store({
    bucket: s3.bucket,
    prefix: `budget-${++counter}`,
    env: s3.env,
    partSize: PART,
    queueSize: 2,
  });
  const send = store.client.send.bind(store.client);
  store.client.send = (async (command: { constructor: { name: string } }) => {
    const isPart = command.constructor.name === "UploadPartCommand";
    if (isPart) most = Math.max(most, ++inFlight);
    try {
      return await send(command as never);
    } finally {
      if (isPart) inFlight--;
    }
  }) as typeof store.client.send;
  const staged = await stageDirectory(store, "k", { tempDir });
  const names = ["a", "b", "c", "d"].map((n) => `${n}.dat`);
  for (const name of names) writeFileSync(path.join(staged.dir, name), payload(3 * PART, name.charCodeAt(0)));
  await forEachLimited(names, 4, async (name) => void (await staged.add(name)));
  await staged.commit();
  expect(most).toBe(2);
  expect((await store.list("k")).map((o) => o.size)).toEqual([3 * PART, 3 * PART, 3 * PART, 3 * PART]);
});

test("Slots: never more holders than slots, waiting ones served in order", async () => {
  const slots = new Slots(2);
  const order: string[] = [];
  let held = 0;
  let most = 0;
  await Promise.all(
    ["a", "b", "c", "d", "e"].map((name, i) =>
      slots.run(async () => {
        most = Math.max(most, ++held);
        await new Promise((r) => setTimeout(r, 5 * (5 - i)));
        order.push(name);
        held--;
      }),
    ),
  );
  expect(most).toBe(2);
  expect(order.sort()).toEqual(["a", "b", "c", "d", "e"]);
  expect(() => new Slots(0)).toThrow("slots must be a positive integer (got 0)");
});

test("forEachLimited: every item once, at most `limit` at once, the first failure after all settled", async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 1));
    seen.push(n);
    running--;
  });
  expect(most).toBe(3);
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  const settled: number[] = [];
  await expect(
    forEachLimited([1, 2, 3], 3, async (n) => {
      await new Promise((r) => setTimeout(r, n));
      settled.push(n);
      if (n === 1) throw new Error("first");
    }),
  ).rejects.toThrow("first");
  expect(settled).toEqual([1, 2, 3]);
});

test("file store: the staged directory is inside the store, hidden; commit renames it whole", async () => {
  const root = path.join(dir, `inplace-${++counter}`);
  const store = new FileStore(root);
  const staged = await stageDirectory(store, "k");
  expect(path.dirname(staged.dir)).toBe(root);
  expect(path.basename(staged.dir)).toMatch(/^\.k\.[0-9a-f]{12}\.partial$/);
  expect(await store.listPartials()).toEqual([expect.objectContaining({ key: path.basename(staged.dir) })]);
  writeFileSync(path.join(staged.dir, "toc.dat"), "toc");
  await staged.add("toc.dat");
  await staged.commit();
  expect(readFileSync(path.join(root, "k", "toc.dat"), "utf8")).toBe("toc");
  expect(existsSync(staged.dir)).toBe(false);
  expect(statSync(path.join(root, "k")).mode & 0o777).toBe(0o700);
});
