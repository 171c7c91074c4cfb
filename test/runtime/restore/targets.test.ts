import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { connectDatabase } from "../../../runtime/lib/backup/database";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { userObjects } from "../../../runtime/lib/restore/target";
import { openStore } from "../../../runtime/lib/store/openStore";
import { BackupStore } from "../../../runtime/lib/store/types";
import { createDatabase, query, startTestCluster, tableDigests } from "../../support/postgres";
import { createFixtureDatabase } from "./fixture";

let cluster: LocalCluster;
let dir: string;
let tempDir: string;
let store: BackupStore;
let sourceUrl: string;

beforeAll(async () => {
  cluster = await startTestCluster("restore-targets");
  sourceUrl = await createDatabase(cluster, "source");
  await createFixtureDatabase(sourceUrl);
  // the source uses an extension too: clean must let the dump recreate it
  await query(
    sourceUrl,
    "CREATE EXTENSION citext; CREATE TABLE public.tags (name citext PRIMARY KEY); INSERT INTO tags VALUES ('Vip'), ('new')",
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-targets-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-targets-tmp-"));
  store = openStore(dir);
  await runBackup({ dbUrl: sourceUrl, store });
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
  rmSync(tempDir, { recursive: true, force: true });
});

async function objectsOf(url: string): Promise<string[]> {
  const client = await connectDatabase(url, "target database");
  try {
    return await userObjects(client);
  } finally {
    await client.end();
  }
}

test.each<[string, string, string[]]>([
  ["a fresh database", "", []],
  ["only an extension's objects", "CREATE EXTENSION pg_trgm", []],
  ["a view", "CREATE VIEW v AS SELECT 1 AS one", ["view public.v"]],
  [
    "a function and an enum in another schema",
    "CREATE SCHEMA s; CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TYPE s.e AS ENUM ('a')",
    ["type s.e", "function s.f"],
  ],
  ["a sequence and a table", "CREATE SEQUENCE q; CREATE TABLE t (x int)", ["table public.t", "sequence public.q"]],
])("userObjects: %s", async (name, sql, expected) => {
  const url = await createDatabase(cluster, `objects_${name.replace(/\W+/g, "_")}`);
  if (sql) await query(url, sql);
  expect(await objectsOf(url)).toEqual(expected);
});

test("clean drops the target's extension along with public and the dump recreates what it needs", async () => {
  const url = await createDatabase(cluster, "with_extension");
  await query(
    url,
    "CREATE EXTENSION pg_trgm; CREATE TABLE public.old (x int); CREATE SCHEMA stray; CREATE VIEW stray.v AS SELECT 1 AS one",
  );
  const announced: string[][] = [];
  await runRestore({
    store,
    backup: "latest",
    targetUrl: url,
    clean: true,
    tempDir,
    onClean: (schemas) => announced.push(schemas),
  });
  expect(announced).toEqual([["public", "stray"]]); // once, naming every schema it then dropped
  expect(await query(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'stray'")).toEqual([]);
  expect(await tableDigests(url)).toEqual(await tableDigests(sourceUrl));
  const extensions = await query<{ extname: string }>(
    url,
    "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
  );
  expect(extensions.map((e) => e.extname)).toEqual(["citext"]);
  const [vip] = await query<{ n: string }>(url, "SELECT count(*) AS n FROM tags WHERE name = 'VIP'");
  expect(vip.n).toBe("1"); // citext semantics survived
});
