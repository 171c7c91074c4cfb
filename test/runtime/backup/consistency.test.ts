import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { createDatabase, query, startTestCluster } from "../../support/postgres";
import { createFixtureDatabase } from "../restore/fixture";

let cluster: LocalCluster;
let dir: string;

beforeAll(async () => {
  cluster = await startTestCluster("backup-consistency");
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-consistency-"));
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test("under concurrent writes, the dump and the manifest's row counts come from the same snapshot", async () => {
  const sourceUrl = await createDatabase(cluster, "busy");
  await createFixtureDatabase(sourceUrl);
  // pg_dump that starts late: the snapshot must still be importable, and writes keep landing
  // between the export and the dump
  const slowBin = path.join(dir, "slow");
  mkdirSync(slowBin);
  writeFileSync(
    path.join(slowBin, "pg_dump"),
    `#!/bin/bash\nif [ "$1" = "--version" ]; then exec "${cluster.binaries.path("pg_dump")}" --version; fi\nsleep 1\nexec "${cluster.binaries.path("pg_dump")}" "$@"\n`,
  );
  chmodSync(path.join(slowBin, "pg_dump"), 0o755);

  const writer = new Client({ connectionString: sourceUrl });
  await writer.connect();
  let writing = true;
  let inserted = 0;
  const writes = (async () => {
    while (writing) {
      // each insert fires the audit trigger too: two tables change per statement
      await writer.query(
        "INSERT INTO payments (reservation_id, amount, paid_at) VALUES (1 + $1::int % 100, 10, now())",
        [inserted],
      );
      inserted += 1;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  try {
    await new Promise((r) => setTimeout(r, 100));
    const store = openStore(path.join(dir, "store"));
    const { manifest } = await runBackup({
      dbUrl: sourceUrl,
      store,
      env: { ...process.env, BLOOM_DR_PG_BIN: slowBin },
    });
    writing = false;
    await writes;
    const [now] = await query<{ n: string }>(sourceUrl, "SELECT count(*) AS n FROM payments");
    expect(manifest.tables["public.payments"]).toBeGreaterThan(1800);
    expect(manifest.tables["public.payments"]).toBeLessThan(Number(now.n)); // writes continued after the snapshot
    expect(manifest.tables["audit.events"] - 50).toBe(manifest.tables["public.payments"] - 1800);

    const targetUrl = await createDatabase(cluster, "busy_restored");
    const restored = await runRestore({ store, backup: "latest", targetUrl });
    expect(restored.tables["public.payments"]).toEqual({
      expected: manifest.tables["public.payments"],
      actual: manifest.tables["public.payments"],
    });
    expect(restored.tables["audit.events"].actual).toBe(manifest.tables["audit.events"]);
  } finally {
    writing = false;
    await writes.catch(() => undefined);
    await writer.end();
  }
});
