import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { exportRows } from "../../../runtime/lib/pitr/export";
import { importRows } from "../../../runtime/lib/pitr/import";
import { FileTable, FileTargets, targetRefusal } from "../../../runtime/lib/pitr/importTarget";
import { TableShape } from "../../../runtime/lib/pitr/tableShape";
import { query, startTestCluster, tableDigests } from "../../support/postgres";

const clinics = { schema: "public", name: "clinics" };
const column = (name: string, generated = false) => ({
  name,
  type: "text",
  generated,
  identity: "" as const,
  sequence: null,
});
const shape = (columns: string[], primaryKey: string[], generatedColumns: string[] = []): TableShape => ({
  table: clinics,
  columns: [...columns.map((c) => column(c)), ...generatedColumns.map((c) => column(c, true))],
  primaryKey,
});
const wanted = (columnLists: string[][], keys: string[][] = [["id"]]): FileTable => ({
  table: clinics,
  columnLists,
  keys,
});

test.each<[string, FileTable, TableShape | undefined, string | undefined]>([
  ["same columns and key", wanted([["id", "name"]]), shape(["id", "name"], ["id"]), undefined],
  [
    "column order does not matter; generated columns are not in the file",
    wanted([["name", "id"]]),
    shape(["id", "name"], ["id"], ["slug"]),
    undefined,
  ],
  ["missing table", wanted([["id"]]), undefined, "unknown table public.clinics: not found in the target"],
  [
    "no primary key",
    wanted([["id"]]),
    shape(["id"], []),
    "table public.clinics has no primary key: its rows cannot be matched between databases, so they are never copied blindly",
  ],
  [
    "a column only in the file",
    wanted([["id", "name", "region"]]),
    shape(["id", "name"], ["id"]),
    "table public.clinics differs between the file and the target: column region exists only in the file",
  ],
  [
    "a column only in the target",
    wanted([["id"]]),
    shape(["id", "name"], ["id"]),
    "table public.clinics differs between the file and the target: column name exists only in the target",
  ],
  [
    "a column generated in the target",
    wanted([["id", "slug"]]),
    shape(["id"], ["id"], ["slug"]),
    "table public.clinics differs between the file and the target: column slug is generated in the target",
  ],
  [
    "a different key",
    wanted([["id", "name"]]),
    shape(["id", "name"], ["id", "name"]),
    "table public.clinics differs between the file and the target: primary key is (id) in the file and (id, name) in the target",
  ],
  [
    "an edited file with two column lists",
    wanted([["id", "name"], ["id"]]),
    shape(["id", "name"], ["id"]),
    "table public.clinics differs between the file and the target: column name exists only in the target",
  ],
])("targetRefusal: %s", (_name, file, target, expected) => {
  expect(targetRefusal(file, target)).toBe(expected);
});

test("FileTargets reads the table, columns and key of each INSERT, quoted names included", () => {
  const targets = new FileTargets();
  targets.add(
    `INSERT INTO "Sales Data"."line ""items""" ("id", "a, b") VALUES ('1', 'x') ON CONFLICT ("id") DO NOTHING`,
  );
  targets.add(
    `INSERT INTO "Sales Data"."line ""items""" ("id", "a, b") VALUES ('2', 'y') ON CONFLICT ("id") DO NOTHING`,
  );
  targets.add(`INSERT INTO "public"."notes" ("id") OVERRIDING SYSTEM VALUE VALUES ('1') ON CONFLICT ("id") DO NOTHING`);
  expect(targets.tables()).toEqual([
    { table: { schema: "Sales Data", name: 'line "items"' }, columnLists: [["id", "a, b"]], keys: [["id"]] },
    { table: { schema: "public", name: "notes" }, columnLists: [["id"]], keys: [["id"]] },
  ]);
});

describe("import refuses a target that cannot take the file, naming the table, and changes nothing", () => {
  let cluster: LocalCluster;
  let dir: string;
  let file: string;
  let copies = 0;
  const copy = async (from: string) => {
    const name = `target_${++copies}`;
    await query(cluster.url(), `CREATE DATABASE ${name} TEMPLATE ${from}`);
    return cluster.url(name);
  };

  beforeAll(async () => {
    cluster = await startTestCluster("pitr-import-refusals");
    dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-import-refusals-"));
    await query(cluster.url(), "CREATE DATABASE bloom");
    await generateBloomDatabase(cluster.url("bloom"), 0.01);
    await query(cluster.url(), "CREATE DATABASE branch TEMPLATE bloom");
    // rows the targets lack: an import that ran would change their digests
    await query(
      cluster.url("branch"),
      "INSERT INTO clinics (name) VALUES ('only in the branch'), ('also only in the branch'); CREATE TABLE audit_log (at timestamptz, message text)",
    );
    file = path.join(dir, "recovery.sql");
    await exportRows({ fromUrl: cluster.url("branch"), tables: ["clinics", "clients"], out: file });
  });

  afterAll(async () => {
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the unchanged target takes the file (the refusals below are the target's doing)", async () => {
    const target = await copy("bloom");
    const result = await importRows({ file, targetUrl: target, apply: false });
    expect(result.tables.find((t) => t.table === "public.clinics")).toMatchObject({ inserted: 2 });
  });

  test.each<[string, string, string]>([
    [
      "a missing table",
      "DROP TABLE clients CASCADE",
      "unknown table public.clients: not found in the target; nothing was changed",
    ],
    [
      "a dropped column",
      "ALTER TABLE clinics DROP COLUMN timezone",
      "table public.clinics differs between the file and the target: column timezone exists only in the file; nothing was changed",
    ],
    [
      "a renamed column",
      "ALTER TABLE clinics RENAME COLUMN timezone TO tz",
      "table public.clinics differs between the file and the target: column timezone exists only in the file; column tz exists only in the target; nothing was changed",
    ],
    [
      "an added column",
      "ALTER TABLE clinics ADD COLUMN region text",
      "table public.clinics differs between the file and the target: column region exists only in the target; nothing was changed",
    ],
    [
      "a dropped primary key",
      "ALTER TABLE clinics DROP CONSTRAINT clinics_pkey CASCADE",
      "table public.clinics has no primary key: its rows cannot be matched between databases, so they are never copied blindly; nothing was changed",
    ],
    [
      "a different primary key",
      "ALTER TABLE clinics DROP CONSTRAINT clinics_pkey CASCADE; ALTER TABLE clinics ADD PRIMARY KEY (id, name)",
      "table public.clinics differs between the file and the target: primary key is (id) in the file and (id, name) in the target; nothing was changed",
    ],
    [
      "several tables at once",
      "ALTER TABLE clinics ADD COLUMN region text; ALTER TABLE clients DROP CONSTRAINT clients_pkey CASCADE",
      "table public.clinics differs between the file and the target: column region exists only in the target; table public.clients has no primary key: its rows cannot be matched between databases, so they are never copied blindly; nothing was changed",
    ],
  ])("%s", async (_name, change, message) => {
    const target = await copy("bloom");
    await query(target, change);
    const before = await tableDigests(target);
    await expect(importRows({ file, targetUrl: target, apply: true })).rejects.toThrow(new Error(message));
    expect(await tableDigests(target)).toEqual(before);
  });

  test("export refuses a table without a primary key and writes no file", async () => {
    const out = path.join(dir, "no-key.sql");
    await expect(exportRows({ fromUrl: cluster.url("branch"), tables: ["clinics", "audit_log"], out })).rejects.toThrow(
      new Error(
        "table public.audit_log has no primary key: its rows cannot be matched between databases, so they are never copied blindly; no file was written",
      ),
    );
    expect(existsSync(out)).toBe(false);
  });
});
