/**
 * Every failure of a directory-form backup leaves the store as it was: no manifest, latest.json
 * unchanged, no file of the dump visible, no staging directory, no open multipart upload, no local
 * temp file, and no pg_dump (leader or worker) running. pg_dump killed or failing while its workers
 * write, the store failing mid-upload, an interruption, the manifest or latest.json write failing.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { BackupStore, StagedDirectory } from "../../../runtime/lib/store/types";
import { query, startTestCluster } from "../../support/postgres";
import { descendantsStartedSince, runningDescendants, runningDescendantsNamed } from "../../support/processes";
import { createOwnedDatabase, createOwnerRole } from "../../support/roles";
import { startS3Server, TestS3Server } from "../../support/s3Server";

let cluster: LocalCluster;
let s3: TestS3Server;
let sourceUrl: string;
let password: string;
let dir: string;
let tempDir: string;
let fakeBin: string;
const stores: Record<string, () => BackupStore> = {};
let baseline: string[] = [];

/**
 * pg_dump wrappers: "killed" runs the real pg_dump -j and SIGKILLs it and itself once two table
 * files exist (its workers are mid-dump); "failing" exits 1 with the password in its stderr.
 */
function writeFakePgDumps(realPgDump: string): void {
  const make = (name: string, body: string) => {
    mkdirSync(path.join(fakeBin, name), { recursive: true });
    const file = path.join(fakeBin, name, "pg_dump");
    writeFileSync(file, `#!/bin/bash\nif [ "$1" = "--version" ]; then exec "${realPgDump}" --version; fi\n${body}\n`);
    chmodSync(file, 0o755);
  };
  make(
    "killed",
    [
      `for a in "$@"; do case "$a" in --file=*) out="\${a#--file=}";; esac; done`,
      `"${realPgDump}" "$@" & real=$!`,
      `while [ "$(ls "$out" | grep -c '\\.dat')" -lt 2 ]; do sleep 0.005; done`,
      // bash may report the killed job ("line N: PID Killed ...") before it kills itself: not pg_dump's words
      `exec 2>/dev/null`,
      `kill -9 $real`,
      `kill -9 $$`,
    ].join("\n"),
  );
  make(
    "failing",
    `printf 'pg_dump: error: connection to server failed: password=%s rejected\\n' "$PGPASSWORD" >&2\nexit 1`,
  );
}

beforeAll(async () => {
  [cluster, s3] = await Promise.all([startTestCluster("directory-faults"), startS3Server("bloom-vault-dirfaults")]);
  const owner = await createOwnerRole(cluster, "bloom_owner");
  password = owner.password;
  sourceUrl = await createOwnedDatabase(cluster, owner, "source");
  // several tables, one of them big enough for several 5 MiB parts and a dump that takes a while
  await query(
    sourceUrl,
    `CREATE TABLE blob AS SELECT i, md5(i::text) || md5((i * 7)::text) AS data FROM generate_series(1, 400000) i;
     CREATE TABLE a AS SELECT i FROM generate_series(1, 50000) i;
     CREATE TABLE b AS SELECT i, md5(i::text) AS t FROM generate_series(1, 50000) i;
     CREATE TABLE c AS SELECT i FROM generate_series(1, 1000) i;`,
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-dirfaults-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-dirfaults-tmp-"));
  fakeBin = path.join(dir, "bin");
  writeFakePgDumps(cluster.binaries.path("pg_dump"));
  stores.file = () => openStore(path.join(dir, "store"));
  stores.s3 = () =>
    new S3Store({ bucket: s3.bucket, prefix: "faults", env: s3.env, partSize: 5 * 1024 * 1024, queueSize: 2 });
  // a good backup in each store first: latest.json must still name it after every fault
  for (const store of Object.values(stores))
    await runBackup({ dbUrl: sourceUrl, store: store(), format: "directory", tempDir });
});
afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop()]);
  for (const d of [dir, tempDir]) if (d) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  baseline = runningDescendants();
});

/** Everything a store shows, its latest.json and its leftovers. */
async function snapshotOf(kind: string) {
  const store = stores[kind]();
  const keys = (await store.list()).map((o) => o.key);
  const files: string[] = [];
  for (const d of await store.directories!()) files.push(...(await store.list(d)).map((o) => o.key));
  const leftovers =
    kind === "file"
      ? readdirSync(path.join(dir, "store")).filter((n) => n.startsWith("."))
      : [...(await s3.listMultipartUploads()).map((u) => u.key), ...readdirSync(tempDir)];
  return { keys, files, latest: await store.getText(LATEST_KEY), leftovers };
}

async function expectFailureLeavesNothing(kind: string, run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await snapshotOf(kind);
  const error = await run().then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(message);
  expect(error?.message).not.toContain(password);
  expect(error?.message.split("\n")).toHaveLength(1);
  expect(await snapshotOf(kind)).toEqual({ ...before, leftovers: [] });
  expect(runningDescendantsNamed("pg_dump")).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
}

const backup = (kind: string, extra: Partial<Parameters<typeof runBackup>[0]> = {}) =>
  runBackup({ dbUrl: sourceUrl, store: stores[kind](), format: "directory", jobs: 2, tempDir, ...extra });

describe.each(["file", "s3"])("%s store", (kind) => {
  test("pg_dump killed while its workers write: nothing of the attempt stays", async () => {
    await expectFailureLeavesNothing(
      kind,
      () => backup(kind, { env: { ...process.env, BLOOM_DR_PG_BIN: path.join(fakeBin, "killed") } }),
      /^backup of 127\.0\.0\.1:\d+\/source failed: pg_dump was killed by SIGKILL$/,
    );
  });

  test("pg_dump exiting non-zero: its error, the password redacted", async () => {
    await expectFailureLeavesNothing(
      kind,
      () => backup(kind, { env: { ...process.env, BLOOM_DR_PG_BIN: path.join(fakeBin, "failing") } }),
      /failed: pg_dump exited with code 1: pg_dump: error: connection to server failed: password=\*\*\* rejected$/,
    );
  });

  test("interrupted once the first files are stored: pg_dump and its workers stop, nothing stays", async () => {
    const controller = new AbortController();
    await expectFailureLeavesNothing(
      kind,
      () => backup(kind, { signal: controller.signal, onProgress: () => controller.abort() }),
      /^backup of 127\.0\.0\.1:\d+\/source failed: interrupted before the dump was complete$/,
    );
  });

  test.each([
    ["the manifest", (key: string) => key.endsWith(".json") && key !== LATEST_KEY],
    ["latest.json", (key: string) => key === LATEST_KEY],
  ])("failing to write %s removes the new manifest and every file of the dump", async (_what, failsOn) => {
    const inner = stores[kind]();
    const failing = override(inner, {
      putText: async (key, text) => {
        if (failsOn(key)) throw new Error(`writing ${key} failed: EIO (injected)`);
        await inner.putText(key, text);
      },
    });
    await expectFailureLeavesNothing(kind, () => backup(kind, { store: failing }), /EIO \(injected\)$/);
  });
});

test("s3 rejecting a part of a table's file mid-upload: pg_dump stopped, every upload aborted, nothing stays", async () => {
  let multipartStarted = false;
  s3.failWhen((r) => {
    if (r.method === "POST" && r.query.has("uploads")) multipartStarted = true;
    return r.method === "PUT" && r.query.get("partNumber") === "2";
  });
  try {
    await expectFailureLeavesNothing(
      "s3",
      () => backup("s3"),
      /failed: uploading \S+\/\d+\.dat\.gz to s3:\/\/bloom-vault-dirfaults\/faults failed: InternalError/,
    );
  } finally {
    s3.failWhen(undefined);
  }
  expect(multipartStarted).toBe(true);
});

test("the file store failing on one file (disk full) stops pg_dump and leaves nothing", async () => {
  const inner = stores.file();
  let added = 0;
  const failing = override(inner, {
    stageDirectory: async (key, options) => {
      const staged = await inner.stageDirectory!(key, options);
      return {
        ...staged,
        dir: staged.dir,
        movesFiles: staged.movesFiles,
        add: async (name: string, signal?: AbortSignal) => {
          if (++added === 2)
            throw new Error(`writing ${key}/${name} failed: ENOSPC: no space left on device (injected)`);
          return staged.add(name, signal);
        },
      } satisfies StagedDirectory;
    },
  });
  await expectFailureLeavesNothing(
    "file",
    () => backup("file", { store: failing }),
    /failed: writing \S+ failed: ENOSPC: no space left on device \(injected\)$/,
  );
});

/** The store's methods bound, with some replaced. */
function override(store: BackupStore, replaced: Partial<BackupStore>): BackupStore {
  return {
    describe: () => store.describe(),
    put: (k, b, s) => store.put(k, b, s),
    ...(store.stage ? { stage: (k, b, s) => store.stage!(k, b, s) } : {}),
    ...(store.stageDirectory ? { stageDirectory: (k, o) => store.stageDirectory!(k, o) } : {}),
    putText: (k, t) => store.putText(k, t),
    get: (k) => store.get(k),
    getText: (k) => store.getText(k),
    list: (u) => store.list(u),
    directories: () => store.directories!(),
    remove: (k) => store.remove(k),
    ...replaced,
  };
}
