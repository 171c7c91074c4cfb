import { existsSync } from "node:fs";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { generateBloomDatabase, rowCountsForScale } from "../../../runtime/lib/bloom/generate";
import { createDatabase, query, tableDigests } from "../../support/postgres";

describe("LocalCluster", () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await LocalCluster.create({ name: "cluster-test" });
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  test("serves queries on loopback with password authentication", async () => {
    const [row] = await query<{ one: number }>(cluster.url(), "SELECT 1 AS one");
    expect(row.one).toBe(1);
    const wrong = cluster.url().replace(encodeURIComponent(cluster.password), "wrong-password");
    await expect(query(wrong, "SELECT 1")).rejects.toThrow(/password authentication failed/);
  });

  test("the Bloom generator is deterministic: same scale, same digests", async () => {
    const a = await createDatabase(cluster, "bloom_a");
    const b = await createDatabase(cluster, "bloom_b");
    const counts = await generateBloomDatabase(a, 0.01);
    await generateBloomDatabase(b, 0.01);
    expect(counts).toEqual(rowCountsForScale(0.01));
    const [digestA, digestB] = await Promise.all([tableDigests(a), tableDigests(b)]);
    expect(Object.keys(digestA)).toEqual([
      "public.clients",
      "public.clinics",
      "public.payments",
      "public.reservations",
      "public.users",
    ]);
    expect(digestA).toEqual(digestB);
    const orphans = await query<{ n: string }>(
      a,
      "SELECT count(*) AS n FROM reservations r LEFT JOIN clients c ON c.clinic_id = r.clinic_id AND c.id = r.client_id WHERE c.id IS NULL",
    );
    expect(orphans[0].n).toBe("0");
  });

  test("destroy stops the server and removes every file", async () => {
    const other = await LocalCluster.create({ name: "short-lived" });
    const before = pendingTeardowns();
    expect(existsSync(other.dataDir)).toBe(true);
    await other.destroy();
    expect(existsSync(other.rootDir)).toBe(false);
    expect(pendingTeardowns()).toBe(before - 1);
    await expect(query(other.url(), "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
  });
});

test("rowCountsForScale rejects a non-positive scale", () => {
  expect(() => rowCountsForScale(0)).toThrow("scale must be a positive number (got 0)");
});
