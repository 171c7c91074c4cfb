import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { findPostgresBinaries } from "../../../runtime/lib/postgres/binaries";
import { LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { S3Store } from "../../../runtime/lib/store/s3Store";
import { BackupStore } from "../../../runtime/lib/store/types";
import { createDatabase, query, startTestCluster } from "../../support/postgres";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { createFixtureDatabase } from "../restore/fixture";

let cluster: LocalCluster;
let s3: TestS3Server;
let sourceUrl: string;
let bulkUrl: string;
let dir: string;
let fakeBin: string;
const stores: Record<string, () => BackupStore> = {};

/** pg_dump wrappers: one that dies (SIGKILL) after 20 kB of real output, one that fails and leaks the password. */
function writeFakePgDumps(realPgDump: string): void {
  const make = (name: string, body: string) => {
    const d = path.join(fakeBin, name);
    writeFileSync(
      path.join(d, "pg_dump"),
      `#!/bin/bash\nif [ "$1" = "--version" ]; then exec "${realPgDump}" --version; fi\n${body}\n`,
    );
    chmodSync(path.join(d, "pg_dump"), 0o755);
  };
  for (const name of ["killed", "failing"]) mkdirSync(path.join(fakeBin, name), { recursive: true });
  make("killed", `"${realPgDump}" "$@" | head -c 20000\nkill -9 $$`);
  make(
    "failing",
    `printf 'pg_dump: error: connection to server failed: password=%s rejected\\n' "$PGPASSWORD" >&2\nexit 1`,
  );
}

/** Our own child processes still running a given program (to prove pg_dump was stopped). */
function childProcesses(program: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && m[1] === program && Number(m[2]) === process.pid) out.push(Number(pid));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

beforeAll(async () => {
  [cluster, s3] = await Promise.all([startTestCluster("backup-faults"), startS3Server()]);
  sourceUrl = await createDatabase(cluster, "source");
  await createFixtureDatabase(sourceUrl);
  bulkUrl = await createDatabase(cluster, "bulk");
  // ~25 MB of hex text: a dump of about 14 MB, so S3 uploads it in several 5 MiB parts
  await query(
    bulkUrl,
    "CREATE TABLE blob AS SELECT i, md5(i::text) || md5((i * 7)::text) AS data FROM generate_series(1, 400000) i",
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-faults-"));
  fakeBin = path.join(dir, "bin");
  writeFakePgDumps(cluster.binaries.path("pg_dump"));
  stores.file = () => openStore(path.join(dir, "store"));
  stores.s3 = () =>
    new S3Store({ bucket: s3.bucket, prefix: "faults", env: s3.env, partSize: 5 * 1024 * 1024, queueSize: 2 });
  // a good backup in each store first: latest.json must still name it after every fault
  for (const store of Object.values(stores)) await runBackup({ dbUrl: sourceUrl, store: store() });
});
afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Store contents, latest.json and leftovers (temp files, open multipart uploads). */
async function snapshotOf(kind: string): Promise<{ keys: string[]; latest: string | undefined; leftovers: string[] }> {
  const store = stores[kind]();
  const keys = (await store.list()).map((o) => o.key);
  const leftovers =
    kind === "file"
      ? readdirSync(path.join(dir, "store")).filter((n) => n.startsWith("."))
      : (await s3.listMultipartUploads()).map((u) => u.key);
  return { keys, latest: await store.getText(LATEST_KEY), leftovers };
}

async function expectFailureLeavesNothing(kind: string, run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await snapshotOf(kind);
  const error = await run().then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(message);
  expect(error?.message).not.toContain(cluster.password);
  expect(error?.message.split("\n")).toHaveLength(1);
  expect(await snapshotOf(kind)).toEqual({ ...before, leftovers: [] });
  expect(childProcesses("pg_dump")).toEqual([]);
}

describe.each(["file", "s3"])("%s store", (kind) => {
  test("pg_dump killed mid-stream: no manifest, latest unchanged, no partial object", async () => {
    const env = { ...process.env, BLOOM_DR_PG_BIN: path.join(fakeBin, "killed") };
    await expectFailureLeavesNothing(
      kind,
      () => runBackup({ dbUrl: sourceUrl, store: stores[kind](), env }),
      /^backup of 127\.0\.0\.1:\d+\/source failed: pg_dump was killed by SIGKILL/,
    );
  });

  test("pg_dump exiting non-zero: its error, with the password redacted", async () => {
    const env = { ...process.env, BLOOM_DR_PG_BIN: path.join(fakeBin, "failing") };
    await expectFailureLeavesNothing(
      kind,
      () => runBackup({ dbUrl: sourceUrl, store: stores[kind](), env }),
      /failed: pg_dump exited with code 1: pg_dump: error: connection to server failed: password=\*\*\* rejected$/,
    );
  });

  test("interrupted (AbortSignal) mid-stream: nothing left behind", async () => {
    const controller = new AbortController();
    const url = kind === "s3" ? bulkUrl : sourceUrl;
    await expectFailureLeavesNothing(
      kind,
      () =>
        runBackup({
          dbUrl: url,
          store: stores[kind](),
          signal: controller.signal,
          onProgress: (p) => (p.bytes > 11 * 1024 * 1024 || kind === "file" ? controller.abort() : undefined),
        }),
      /failed: interrupted/,
    );
  });
});

test("the store failing mid-upload stops pg_dump and leaves nothing", async () => {
  const inner = stores.file();
  const failing: BackupStore = {
    ...bind(inner),
    put: (key, body, signal) => {
      let seen = 0;
      const diskFull = new Transform({
        transform(chunk: Buffer, _e, cb) {
          seen += chunk.length;
          cb(seen > 50_000 ? new Error("ENOSPC: no space left on device (injected)") : null, chunk);
        },
      });
      void pipeline(body, diskFull).catch(() => undefined);
      return inner.put(key, diskFull, signal);
    },
  };
  await expectFailureLeavesNothing(
    "file",
    () => runBackup({ dbUrl: sourceUrl, store: failing }),
    /failed: writing \S+\.dump to file:\S+ failed: ENOSPC: no space left on device \(injected\)$/,
  );
});

test("S3 rejecting a part mid multipart upload: upload aborted, nothing left", async () => {
  let multipartStarted = false;
  s3.failWhen((r) => {
    if (r.method === "POST" && r.query.has("uploads")) multipartStarted = true;
    return r.method === "PUT" && r.query.get("partNumber") === "2";
  });
  try {
    await expectFailureLeavesNothing(
      "s3",
      () => runBackup({ dbUrl: bulkUrl, store: stores.s3(), format: "custom" }),
      /failed: uploading \S+\.dump to s3:\/\/bloom-vault\/faults failed: InternalError/,
    );
  } finally {
    s3.failWhen(undefined);
  }
  expect(multipartStarted).toBe(true);
});

test.each([
  ["the manifest", (key: string) => key.endsWith(".json") && key !== LATEST_KEY],
  ["latest.json", (key: string) => key === LATEST_KEY],
])("failing to write %s removes the new manifest and dump", async (_what, failsOn) => {
  const inner = stores.file();
  const failing: BackupStore = {
    ...bind(inner),
    putText: async (key, text) => {
      if (failsOn(key)) throw new Error(`writing ${key} failed: EIO (injected)`);
      await inner.putText(key, text);
    },
  };
  await expectFailureLeavesNothing("file", () => runBackup({ dbUrl: sourceUrl, store: failing }), /EIO \(injected\)$/);
});

test("a pg_dump older than the server is refused with the client to install, before anything is written", async () => {
  const [{ server_version_num }] = await query<{ server_version_num: string }>(sourceUrl, "SHOW server_version_num");
  const serverMajor = Math.floor(Number(server_version_num) / 10000);
  const oldBin = path.join(fakeBin, "old");
  const dumped = path.join(dir, "old-pg_dump-ran");
  mkdirSync(oldBin, { recursive: true });
  writeFileSync(
    path.join(oldBin, "pg_dump"),
    `#!/bin/bash\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 9.6.24"; exit 0; fi\ntouch "${dumped}"\nexit 1\n`,
  );
  chmodSync(path.join(oldBin, "pg_dump"), 0o755);
  // the real lookup with runBackup's own minMajor, seeing only the old client (no Debian tree, no pg_config)
  const onlyOldClient: typeof findPostgresBinaries = (programs, options) =>
    findPostgresBinaries(programs, {
      ...options,
      env: { BLOOM_DR_PG_BIN: oldBin, PATH: oldBin },
      debianRoot: path.join(dir, "no-debian-root"),
    });
  await expectFailureLeavesNothing(
    "file",
    () => runBackup({ dbUrl: sourceUrl, store: stores.file(), findBinaries: onlyOldClient }),
    new RegExp(
      `^backup of 127\\.0\\.0\\.1:\\d+/source failed: ${escapeRegExp(
        `pg_dump 9 (in ${oldBin}) is older than the server (PostgreSQL ${serverMajor}): ` +
          `install the PostgreSQL ${serverMajor} client tools (Debian: apt-get install postgresql-client-${serverMajor}) or set BLOOM_DR_PG_BIN`,
      )}$`,
    ),
  );
  expect(existsSync(dumped)).toBe(false);
});

test("a Neon pooled URL is refused with the direct host to use", async () => {
  await expect(
    runBackup({
      dbUrl: "postgresql://app:s3cret-pw@ep-cool-sun-123456-pooler.us-east-2.aws.neon.tech/bloom?sslmode=require",
      store: stores.file(),
    }),
  ).rejects.toThrow(
    "ep-cool-sun-123456-pooler.us-east-2.aws.neon.tech is a Neon pooled (PgBouncer) endpoint, which cannot hold the snapshot a consistent dump needs: use the direct host ep-cool-sun-123456.us-east-2.aws.neon.tech",
  );
});

test("bad credentials: a clear one-line error without the password", async () => {
  const wrong = cluster.url("source").replace(encodeURIComponent(cluster.password), "Wrong-Pass-123");
  const error = await runBackup({ dbUrl: wrong, store: stores.file() }).catch((e: Error) => e);
  expect((error as Error).message).toMatch(
    /^cannot connect to the source database 127\.0\.0\.1:\d+\/source: password authentication failed for user "postgres"; check the URL, the user and the password$/,
  );
  expect((error as Error).message).not.toContain("Wrong-Pass-123");
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A plain object with the store's methods bound, so a test can override one of them. */
function bind(store: BackupStore): BackupStore {
  return {
    describe: () => store.describe(),
    put: (k, b, s) => store.put(k, b, s),
    putText: (k, t) => store.putText(k, t),
    get: (k) => store.get(k),
    getText: (k) => store.getText(k),
    list: () => store.list(),
    remove: (k) => store.remove(k),
  };
}
