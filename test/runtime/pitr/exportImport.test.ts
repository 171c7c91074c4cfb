import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { findPostgresBinaries } from "../../../runtime/lib/postgres/binaries";
import { libpqEnvironment } from "../../../runtime/lib/postgres/connectionUrl";
import { runProgram } from "../../../runtime/lib/postgres/processes";
import { quoteLiteral } from "../../../runtime/lib/integrity/identifiers";
import { exportRows, outputErrorMessage } from "../../../runtime/lib/pitr/export";
import { importRows } from "../../../runtime/lib/pitr/import";
import { query, startTestCluster, tableDigests } from "../../support/postgres";

let cluster: LocalCluster;
let dir: string;
let branch: string;
let file: string;
const TABLES = ["payments", "reservations", "clients", "notes"];

const copy = async (from: string, to: string) => {
  await query(cluster.url(), `CREATE DATABASE ${to} TEMPLATE ${from}`);
  return cluster.url(to);
};
const INCIDENT = `
  DELETE FROM payments WHERE reservation_id IN (SELECT id FROM reservations WHERE client_id <= 10);
  DELETE FROM reservations WHERE client_id <= 10;
  DELETE FROM clients WHERE id <= 10;
  DELETE FROM notes WHERE id IN (1, 2);
  SELECT setval(pg_get_serial_sequence('clients', 'id'), 2);`;

beforeAll(async () => {
  cluster = await startTestCluster("pitr-export");
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-export-test-"));
  await query(cluster.url(), "CREATE DATABASE bloom");
  await generateBloomDatabase(cluster.url("bloom"), 0.01);
  await query(
    cluster.url("bloom"),
    `CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text, tags text[], payload bytea, ratio float8, at timestamptz, meta jsonb, span interval);
     INSERT INTO notes (body, tags, payload, ratio, at, meta, span) VALUES
       (E'quote '' back\\\\slash\\nline -- not a comment; /* nor this */', '{"a,b",NULL,"c\\"d"}', '\\x00ff5c275c', 0.1, '2025-01-02 03:04:05.678901+00', '{"k": [1, "ñ"]}', '-1 day 02:03:04.5'),
       ($$dollar $x$ and E'\\\\'$$, '{}', '', 'NaN', 'infinity', 'null', '1 mon'),
       (NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  );
  branch = await copy("bloom", "branch");
  file = path.join(dir, "recovery.sql");
});

afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("export writes a reviewable file: header, one transaction, parents first, ON CONFLICT DO NOTHING, setval", async () => {
  const result = await exportRows({
    fromUrl: branch,
    tables: TABLES,
    out: file,
    now: () => new Date("2026-11-27T12:00:00Z"),
  });
  const counts = await query<{ t: string; n: string }>(
    branch,
    "SELECT 'clients' t, count(*) n FROM clients UNION ALL SELECT 'reservations', count(*) FROM reservations UNION ALL SELECT 'payments', count(*) FROM payments",
  );
  const n = Object.fromEntries(counts.map((c) => [c.t, Number(c.n)]));
  expect(result.tables).toEqual([
    { table: "public.clients", rows: n.clients },
    { table: "public.reservations", rows: n.reservations },
    { table: "public.payments", rows: n.payments },
    { table: "public.notes", rows: 3 },
  ]);
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  expect(lines[0]).toBe(
    "-- bloom-dr pitr export: rows to put back, to review before importing (playbook SEV-2, PASO 4-6)",
  );
  expect(lines[1]).toBe(`-- source: postgresql://postgres:***@127.0.0.1:${cluster.port}/branch`);
  expect(lines[2]).toBe("-- exported at: 2026-11-27T12:00:00.000Z (one snapshot of the source)");
  expect(lines[3]).toBe(
    `-- tables, parents first: public.clients (${n.clients} rows), public.reservations (${n.reservations} rows), public.payments (${n.payments} rows), public.notes (3 rows)`,
  );
  expect(text).not.toContain(cluster.password);
  expect(text).toContain("\nBEGIN;\n");
  expect(text.endsWith("COMMIT;\n")).toBe(true);
  expect(text.match(/^INSERT INTO "public"."clients" /gm)).toHaveLength(n.clients);
  expect(text).toContain(
    `INSERT INTO "public"."notes" ("id", "body", "tags", "payload", "ratio", "at", "meta", "span") OVERRIDING SYSTEM VALUE VALUES (`,
  );
  expect(text.match(/^SELECT x\.seq AS sequence, setval/gm)).toHaveLength(4);
  expect(text.indexOf('INSERT INTO "public"."clients"')).toBeLessThan(
    text.indexOf('INSERT INTO "public"."reservations"'),
  );
  expect(text.indexOf('INSERT INTO "public"."reservations"')).toBeLessThan(
    text.indexOf('INSERT INTO "public"."payments"'),
  );
  expect(existsSync(`${file}.partial-${process.pid}`)).toBe(false);
});

test("import: a signal aborted before the import starts changes nothing (mid-insert: interrupt.test.ts)", async () => {
  const target = await copy("bloom", "target_aborted");
  await query(target, INCIDENT);
  const before = await tableDigests(target);
  const controller = new AbortController();
  controller.abort(new Error("SIGINT"));
  await expect(importRows({ file, targetUrl: target, apply: true, signal: controller.signal })).rejects.toThrow(
    `importing ${file} interrupted; the transaction was rolled back, nothing was changed`,
  );
  expect(await tableDigests(target)).toEqual(before);
});

test("import: the dry run counts and changes nothing; apply restores every value exactly; again inserts nothing", async () => {
  const target = await copy("bloom", "target");
  await query(target, INCIDENT);
  await query(target, "UPDATE payments SET amount = 7.77 WHERE id = (SELECT min(id) FROM payments)"); // changed after the incident
  const before = await tableDigests(target);
  const lost = Number(
    (await query<{ n: string }>(branch, "SELECT count(*) n FROM reservations WHERE client_id <= 10"))[0].n,
  );

  const dry = await importRows({ file, targetUrl: target, apply: false });
  expect(dry.applied).toBe(false);
  expect(dry.tables.find((t) => t.table === "public.clients")).toMatchObject({ inserted: 10 });
  expect(dry.tables.find((t) => t.table === "public.reservations")).toMatchObject({ inserted: lost });
  expect(dry.tables.find((t) => t.table === "public.notes")).toEqual({
    table: "public.notes",
    rows: 3,
    inserted: 2,
    skipped: 1,
  });
  expect(dry.sequences).toEqual({ run: 0, advanced: [] });
  expect(await tableDigests(target)).toEqual(before);
  expect((await query<{ v: string }>(target, "SELECT last_value::text v FROM clients_id_seq"))[0].v).toBe("2");

  const applied = await importRows({ file, targetUrl: target, apply: true });
  expect(applied.tables).toEqual(dry.tables);
  expect(applied.sequences.run).toBe(4);
  expect(applied.sequences.advanced).toEqual(["public.clients_id_seq → 600"]);
  const after = await tableDigests(target);
  const expected = await tableDigests(branch);
  for (const t of ["public.clients", "public.reservations", "public.notes", "public.clinics", "public.users"])
    expect(after[t]).toBe(expected[t]);
  expect(after["public.payments"]).not.toBe(expected["public.payments"]); // the later change was kept
  expect(await query(target, "SELECT amount FROM payments WHERE id = (SELECT min(id) FROM payments)")).toEqual([
    { amount: "7.77" },
  ]);

  const again = await importRows({ file, targetUrl: target, apply: true });
  expect(again.tables.every((t) => t.inserted === 0 && t.skipped === t.rows)).toBe(true);
  expect(await tableDigests(target)).toEqual(after);
});

test("the file is plain SQL that psql applies the same way", async () => {
  const target = await copy("bloom", "psql_target");
  await query(target, INCIDENT);
  const psql = findPostgresBinaries(["psql"]).path("psql");
  await runProgram(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file], {
    env: libpqEnvironment(target),
    secrets: [cluster.password],
  });
  expect(await tableDigests(target)).toEqual(await tableDigests(branch));
});

test("a tampered file is refused before anything runs, naming the line", async () => {
  const target = await copy("bloom", "tamper_target");
  const before = await tableDigests(target);
  const tampered = path.join(dir, "tampered.sql");
  const lines = readFileSync(file, "utf8").split("\n");
  lines.splice(15, 0, "DELETE FROM clients;");
  writeFileSync(tampered, lines.join("\n"));
  await expect(importRows({ file: tampered, targetUrl: target, apply: true })).rejects.toThrow(
    `${tampered}: line 16: statement not allowed in a pitr import file (only INSERT … ON CONFLICT (key) DO NOTHING, setval lines, SET LOCAL of text formats, BEGIN, COMMIT): DELETE FROM clients; nothing was changed`,
  );
  const foreign = path.join(dir, "other.sql");
  writeFileSync(foreign, "INSERT INTO clients VALUES (1);\n");
  await expect(importRows({ file: foreign, targetUrl: target, apply: true })).rejects.toThrow(
    `${foreign} is not a bloom-dr pitr export`,
  );
  await expect(importRows({ file: path.join(dir, "missing.sql"), targetUrl: target, apply: true })).rejects.toThrow(
    /^cannot read .*missing.sql: ENOENT/,
  );
  expect(await tableDigests(target)).toEqual(before);
});

test("a failing statement rolls everything back", async () => {
  const target = await copy("bloom", "fk_target");
  await query(target, INCIDENT);
  const before = await tableDigests(target);
  const childOnly = path.join(dir, "children-only.sql");
  const text = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => !l.startsWith('INSERT INTO "public"."clients"'))
    .join("\n");
  writeFileSync(childOnly, text);
  await expect(importRows({ file: childOnly, targetUrl: target, apply: true })).rejects.toThrow(
    /^importing .*children-only.sql failed and was rolled back, nothing was changed: lines \d+-\d+: insert or update on table "reservations" violates foreign key constraint/,
  );
  expect(await tableDigests(target)).toEqual(before);
});

test("export refuses unknown tables and writes no file", async () => {
  const out = path.join(dir, "refused.sql");
  await expect(exportRows({ fromUrl: branch, tables: ["clients", "nope"], out })).rejects.toThrow(
    "unknown table public.nope: not found in the source; no file was written",
  );
  expect(existsSync(out)).toBe(false);
});

test("an output directory that does not exist is one error naming --out, before connecting", async () => {
  const out = path.join(dir, "missing", "x.sql");
  // an unreachable source: the --out error must come first, without a connection attempt
  await expect(exportRows({ fromUrl: "postgresql://u:pw@127.0.0.1:1/none", tables: ["clients"], out })).rejects.toThrow(
    `cannot write ${out}: no such directory: create it or choose another --out`,
  );
});

test("a source that cannot be reached leaves no partial file behind", async () => {
  const outDir = path.join(dir, "unreachable");
  mkdirSync(outDir);
  await expect(
    exportRows({ fromUrl: "postgresql://u:pw@127.0.0.1:1/none", tables: ["clients"], out: path.join(outDir, "x.sql") }),
  ).rejects.toThrow(/^cannot connect to the source/);
  expect(readdirSync(outDir)).toEqual([]);
});

test.each([
  ["ENOENT", "cannot write /m/d/x.sql: no such directory: create it or choose another --out"],
  ["ENOTDIR", "cannot write /m/d/x.sql: /m/d is not a directory: choose another --out"],
  ["EACCES", "cannot write /m/d/x.sql: permission denied in /m/d: choose a directory you can write to"],
  ["EIO", "cannot write /m/d/x.sql: EIO: i/o error; choose another --out"],
])("output error %s", (code, expected) => {
  expect(outputErrorMessage("/m/d/x.sql", code, `${code}: i/o error`)).toBe(expected);
});

test("the JS quoteLiteral used for names in setval lines matches the server's quote_literal", async () => {
  for (const text of ["plain", "it's", "back\\slash", "both ' and \\", 'x"; DROP TABLE y; --', "ñ 🌸"]) {
    const [row] = await query<{ q: string }>(branch, "SELECT quote_literal($1::text) AS q", [text]);
    expect(quoteLiteral(text)).toBe(row.q);
  }
});
