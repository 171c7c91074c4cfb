/**
 * Every row counted once: a partitioned table's rows live in its leaf partitions, so the manifest
 * counts the leaves (and every ordinary table alone, without its inheritance children) and keeps
 * the partitioned tables' totals derivable through `partitions`. Restore validation and verify
 * count the same way; a format-1 manifest (parents and descendants counted) still validates.
 * Partitions by range with an empty one, a default partition, sub-partitions by hash, a partitioned
 * table without partitions, and inheritance; both dump formats; as a non-superuser owner.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BackupManifest, partitionedTotals } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { totalRows } from "../../../runtime/cli/commands/backup";
import { verifyDatabase } from "../../../runtime/lib/integrity/verify";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";

const SCHEMA = `
CREATE TABLE payment (id int NOT NULL, paid date NOT NULL, amount numeric NOT NULL) PARTITION BY RANGE (paid);
CREATE TABLE payment_2026_01 PARTITION OF payment FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE payment_2026_02 PARTITION OF payment FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE payment_2026_03 PARTITION OF payment FOR VALUES FROM ('2026-03-01') TO ('2026-04-01') PARTITION BY HASH (id);
CREATE TABLE payment_2026_03_h0 PARTITION OF payment_2026_03 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE payment_2026_03_h1 PARTITION OF payment_2026_03 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE payment_default PARTITION OF payment DEFAULT;
CREATE TABLE empty_parent (x int) PARTITION BY LIST (x);
CREATE TABLE base (x int);
CREATE TABLE derived (y int) INHERITS (base);
INSERT INTO payment SELECT i, date '2026-01-01' + (i % 31), i FROM generate_series(1, 40) i;
INSERT INTO payment SELECT i, date '2026-03-01' + (i % 31), i FROM generate_series(41, 70) i;
INSERT INTO payment SELECT i, date '2027-06-01', i FROM generate_series(71, 75) i;
INSERT INTO base VALUES (1), (2), (3);
INSERT INTO derived VALUES (4, 4), (5, 5);
`;

let cluster: LocalCluster;
let owner: OwnerRole;
let sourceUrl: string;
let dir: string;
let hashSplit: [number, number];

beforeAll(async () => {
  cluster = await startTestCluster("partitions");
  owner = await createOwnerRole(cluster, "bloom_owner");
  sourceUrl = await createOwnedDatabase(cluster, owner, "source");
  await query(sourceUrl, SCHEMA);
  const [h0] = await query<{ n: string }>(sourceUrl, "SELECT count(*) AS n FROM payment_2026_03_h0");
  hashSplit = [Number(h0.n), 30 - Number(h0.n)];
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-partitions-"));
});
afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(["custom", "directory"] as const)("%s format", (format) => {
  test("the manifest counts leaves and plain tables alone, once each; restore and verify agree", async () => {
    const store = openStore(path.join(dir, format));
    const { manifest } = await runBackup({ dbUrl: sourceUrl, store, format });
    expect(manifest.tables).toEqual({
      "public.base": 3,
      "public.derived": 2,
      "public.payment_2026_01": 40,
      "public.payment_2026_02": 0,
      "public.payment_2026_03_h0": hashSplit[0],
      "public.payment_2026_03_h1": hashSplit[1],
      "public.payment_default": 5,
    });
    expect(manifest.partitions).toEqual({
      "public.empty_parent": [],
      "public.payment": [
        "public.payment_2026_01",
        "public.payment_2026_02",
        "public.payment_2026_03_h0",
        "public.payment_2026_03_h1",
        "public.payment_default",
      ],
      "public.payment_2026_03": ["public.payment_2026_03_h0", "public.payment_2026_03_h1"],
    });
    expect(partitionedTotals(manifest)).toEqual({
      "public.empty_parent": 0,
      "public.payment": 75,
      "public.payment_2026_03": 30,
    });
    expect(totalRows(manifest.tables)).toBe(80); // 75 payments + 5 rows of base and derived: each row once

    const targetUrl = await createOwnedDatabase(cluster, owner, `target_${format}`);
    const restored = await runRestore({ store, backup: manifest.id, targetUrl, jobs: 2 });
    expect(Object.keys(restored.tables).sort()).toEqual(Object.keys(manifest.tables).sort());
    expect(Object.values(restored.tables).every((t) => t.actual === t.expected)).toBe(true);
    expect(await tableDigests(targetUrl)).toEqual(await tableDigests(sourceUrl));

    for (const url of [sourceUrl, targetUrl]) {
      const verified = await verifyDatabase({ dbUrl: url, manifest, amcheck: false });
      expect(verified.findings).toEqual([]);
      expect(verified.checked.tables).toBe(7);
      expect(verified.notes.filter((n) => n.startsWith("not in backup"))).toEqual([]);
    }
  });
});

test("a format-1 manifest (parents and descendants counted) still restores, validates and verifies the old way", async () => {
  const store = openStore(path.join(dir, "v1"));
  const { manifest } = await runBackup({ dbUrl: sourceUrl, store, format: "custom" });
  // what bloom-dr wrote before format 2, for the same dump
  const v1: BackupManifest = {
    ...manifest,
    formatVersion: 1,
    tables: {
      "public.base": 5,
      "public.derived": 2,
      "public.empty_parent": 0,
      "public.payment": 75,
      "public.payment_2026_01": 40,
      "public.payment_2026_02": 0,
      "public.payment_2026_03": 30,
      "public.payment_2026_03_h0": hashSplit[0],
      "public.payment_2026_03_h1": hashSplit[1],
      "public.payment_default": 5,
    },
  };
  delete v1.partitions;
  const manifestFile = path.join(dir, "v1", `${manifest.id}.json`);
  writeFileSync(manifestFile, JSON.stringify(v1, null, 2));

  const targetUrl = await createOwnedDatabase(cluster, owner, "target_v1");
  const restored = await runRestore({ store, backup: manifest.id, targetUrl });
  expect(restored.manifest.formatVersion).toBe(1);
  // a count with descendants needs the other tables' rows: nothing is counted before pg_restore ends
  expect(restored.reading?.tablesCountedDuringRestore).toBe(0);
  expect(restored.tables["public.payment"]).toEqual({ expected: 75, actual: 75 });
  expect(restored.tables["public.base"]).toEqual({ expected: 5, actual: 5 });
  const verified = await verifyDatabase({ dbUrl: targetUrl, manifest: restored.manifest, amcheck: false });
  expect(verified.findings).toEqual([]);
  expect(verified.checked.tables).toBe(10);

  // the counting follows the format: a format-1 manifest that counted base alone no longer matches
  writeFileSync(manifestFile, JSON.stringify({ ...v1, tables: { ...v1.tables, "public.base": 3 } }));
  const again = await createOwnedDatabase(cluster, owner, "target_v1_wrong");
  await expect(runRestore({ store, backup: manifest.id, targetUrl: again })).rejects.toThrow(
    /does not match its manifest: public\.base has 5 rows, expected 3$/,
  );
  expect(JSON.parse(readFileSync(manifestFile, "utf8")).formatVersion).toBe(1);
});
