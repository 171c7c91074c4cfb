/**
 * Clusters copied from an initdb'd template (what the test suite itself runs on): initdb runs
 * once per kind of cluster, every copy is a working cluster with its own superuser password, and
 * without the setting initdb runs for each cluster.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { CLUSTER_TEMPLATES_ENV, clusterTemplatesDir } from "../../../runtime/lib/local/clusterTemplate";
import { query } from "../../support/postgres";

const suiteSetting = process.env[CLUSTER_TEMPLATES_ENV];
let templates: string;
const clusters: LocalCluster[] = [];

beforeEach(() => {
  templates = mkdtempSync(path.join(os.tmpdir(), "jest-cluster-templates-test-"));
  process.env[CLUSTER_TEMPLATES_ENV] = templates;
});
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.destroy()));
  rmSync(templates, { recursive: true, force: true });
  if (suiteSetting === undefined) delete process.env[CLUSTER_TEMPLATES_ENV];
  else process.env[CLUSTER_TEMPLATES_ENV] = suiteSetting;
});

async function create(name: string, extraArgs?: string[]): Promise<LocalCluster> {
  const cluster = await LocalCluster.prepare({ name });
  clusters.push(cluster);
  await cluster.initdb({ extraArgs });
  cluster.configure({});
  await cluster.start();
  return cluster;
}

test("one initdb per kind of cluster; each copy serves with its own password, not the template's", async () => {
  const [a, b] = await Promise.all([create("template-a"), create("template-b")]);
  const c = await create("template-c", ["--wal-segsize=1"]);
  // two kinds (plain and 1 MB WAL segments), each built once and whole: nothing half-built left
  expect(readdirSync(templates).filter((entry) => entry.includes(".building-"))).toEqual([]);
  expect(readdirSync(templates)).toHaveLength(2);
  const [segment] = await query<{ setting: string }>(
    c.url(),
    "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'",
  );
  expect(segment.setting).toBe(String(1024 * 1024));
  expect(new Set([a.password, b.password, c.password]).size).toBe(3);
  for (const cluster of [a, b, c]) {
    const [row] = await query<{ one: number }>(cluster.url(), "SELECT 1 AS one");
    expect(row.one).toBe(1);
    const other = cluster === a ? b : a;
    const wrong = cluster.url().replace(encodeURIComponent(cluster.password), encodeURIComponent(other.password));
    await expect(query(wrong, "SELECT 1")).rejects.toThrow(/password authentication failed/);
  }
  const [kind] = readdirSync(templates);
  const templatePassword = readFileSync(path.join(templates, kind, "password"), "utf8");
  const asTemplate = a.url().replace(encodeURIComponent(a.password), encodeURIComponent(templatePassword));
  await expect(query(asTemplate, "SELECT 1")).rejects.toThrow(/password authentication failed/);
});

test("without the setting, initdb runs for the cluster and no template is kept", async () => {
  delete process.env[CLUSTER_TEMPLATES_ENV];
  expect(clusterTemplatesDir()).toBeUndefined();
  const cluster = await create("template-none");
  const [row] = await query<{ one: number }>(cluster.url(), "SELECT 1 AS one");
  expect(row.one).toBe(1);
  expect(readdirSync(templates)).toEqual([]);
});

test("a relative directory is not a template setting", () => {
  expect(clusterTemplatesDir({ [CLUSTER_TEMPLATES_ENV]: "templates" })).toBeUndefined();
  expect(clusterTemplatesDir({ [CLUSTER_TEMPLATES_ENV]: "/tmp/templates" })).toBe("/tmp/templates");
});
