import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { libpqEnvironment } from "../../../runtime/lib/postgres/connectionUrl";
import { connectionMargin, restoreJobs, TargetConnections } from "../../../runtime/lib/restore/jobs";
import { pgRestoreArgs, runPgRestore } from "../../../runtime/lib/restore/pgRestore";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { BackupStore } from "../../../runtime/lib/store/types";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { createFixtureDatabase } from "./fixture";

const target = (overrides: Partial<TargetConnections> = {}): TargetConnections => ({
  maxConnections: 100,
  reservedConnections: 3,
  inUse: 1,
  database: { limit: -1, inUse: 1 },
  role: { limit: -1, inUse: 1 },
  ...overrides,
});

test.each<[string, number, TargetConnections, number]>([
  ["an idle large server takes what was asked", 8, target(), 8],
  ["128 cores against max_connections 100: 100 - 3 reserved - 1 open - 10 margin", 128, target(), 86],
  ["40 cores against the test clusters' 40: 40 - 3 - 1 - 4 margin", 40, target({ maxConnections: 40 }), 32],
  ["a small RDS instance with the app connected: 20 - 3 - 9 - 2", 16, target({ maxConnections: 20, inUse: 9 }), 6],
  [
    "PostgreSQL 16's reserved_connections count too: 20 - 5 - 1 - 2",
    64,
    target({ maxConnections: 20, reservedConnections: 5 }),
    12,
  ],
  ["the database's CONNECTION LIMIT: 5 - 1 - 2", 64, target({ database: { limit: 5, inUse: 1 } }), 2],
  ["the role's CONNECTION LIMIT: 10 - 3 - 2", 64, target({ role: { limit: 10, inUse: 3 } }), 5],
  ["a full server still gets one job (pg_restore then says why it cannot connect)", 8, target({ inUse: 99 }), 1],
  ["one job asked, one job run", 1, target(), 1],
])("restoreJobs: %s", (_label, requested, connections, expected) => {
  expect(restoreJobs(requested, connections)).toBe(expected);
});

test.each([
  [5, 2],
  [20, 2],
  [37, 4],
  [97, 10],
  [5000, 500],
])("the margin under a limit of %d connections is %d", (limit, margin) => {
  expect(connectionMargin(limit)).toBe(margin);
});

test.each([0, -1, 1.5, Number.NaN])("restoreJobs refuses %p jobs", (jobs) => {
  expect(() => restoreJobs(jobs, target())).toThrow(`jobs must be a positive integer (got ${jobs})`);
});

describe("against a server with max_connections = 12", () => {
  const MAX_CONNECTIONS = 12;
  const RESERVED = 3; // superuser_reserved_connections' default
  let cluster: LocalCluster;
  let owner: OwnerRole;
  let store: BackupStore;
  let dir: string;
  let sourceUrl: string;

  beforeAll(async () => {
    cluster = await startTestCluster("restore-jobs", {
      max_connections: String(MAX_CONNECTIONS),
      max_wal_senders: "2", // must stay below max_connections
      autovacuum: "off", // no worker sessions coming and going while connections are counted
    });
    owner = await createOwnerRole(cluster, "bloom_owner");
    sourceUrl = await createOwnedDatabase(cluster, owner, "source");
    await createFixtureDatabase(sourceUrl);
    dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-jobs-"));
    store = openStore(path.join(dir, "store"));
    await runBackup({ dbUrl: sourceUrl, store });
  });
  afterAll(async () => {
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test("pg_restore -j 64 itself fails there: too many connections", async () => {
    const url = await createOwnedDatabase(cluster, owner, "uncapped");
    const dumpFile = path.join(dir, "store", (await store.list()).find((o) => o.key.endsWith(".dump"))!.key);
    const args = pgRestoreArgs({ database: "uncapped", jobs: 64, file: dumpFile });
    const logged = readFileSync(cluster.logFile, "utf8").length;
    await expect(
      runPgRestore(cluster.binaries.path("pg_restore"), args, libpqEnvironment(url), [owner.password]),
    ).rejects.toThrow(/^pg_restore exited with code 1: /);
    // pg_restore's own message varies (a worker's refused connection, or the leader's lost channel to it)
    expect(readFileSync(cluster.logFile, "utf8").slice(logged)).toMatch(
      /FATAL: {2}(sorry, too many clients already|remaining connection slots are reserved)/,
    );
  });

  test("--jobs 64 restores with the jobs the server can take, as a non-superuser, and says so", async () => {
    const url = await createOwnedDatabase(cluster, owner, "capped");
    const result = await runRestore({ store, backup: "latest", targetUrl: url, jobs: 64 });
    // 12 - 3 reserved - 1 (the restore's own session) - margin 2
    const available = MAX_CONNECTIONS - RESERVED - 1 - 2;
    expect(result.jobs).toEqual({ requested: 64, connectionsAvailable: available, used: available });
    expect(await tableDigests(url)).toEqual(await tableDigests(sourceUrl));
  });

  test("other roles' open sessions (whose details a non-superuser cannot see) leave fewer jobs", async () => {
    const url = await createOwnedDatabase(cluster, owner, "busy");
    const others = await Promise.all([1, 2, 3].map(() => connected(cluster.url("postgres"))));
    try {
      const result = await runRestore({ store, backup: "latest", targetUrl: url, jobs: 64 });
      const available = MAX_CONNECTIONS - RESERVED - 1 - others.length - 2;
      expect(result.jobs).toEqual({ requested: 64, connectionsAvailable: available, used: available });
    } finally {
      await Promise.all(others.map((c) => c.end()));
    }
    expect(await tableDigests(url)).toEqual(await tableDigests(sourceUrl));
  });

  test("the database's CONNECTION LIMIT caps the jobs too", async () => {
    const url = await createOwnedDatabase(cluster, owner, "limited");
    await query(cluster.url(), "ALTER DATABASE limited CONNECTION LIMIT 5");
    const result = await runRestore({ store, backup: "latest", targetUrl: url, jobs: 64 });
    // 5 - 1 (the restore's own session) - margin 2
    expect(result.jobs).toEqual({ requested: 64, connectionsAvailable: 2, used: 2 });
    expect(await tableDigests(url)).toEqual(await tableDigests(sourceUrl));
  });

  test("fewer jobs asked than available: as asked", async () => {
    const url = await createOwnedDatabase(cluster, owner, "modest");
    const result = await runRestore({ store, backup: "latest", targetUrl: url, jobs: 2 });
    expect(result.jobs).toMatchObject({ requested: 2, used: 2 });
  });
});

async function connected(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}
