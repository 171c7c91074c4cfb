import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { recoverRows } from "../../../runtime/lib/pitr/recover";
import { query, startTestCluster, tableDigests } from "../../support/postgres";

let cluster: LocalCluster;

/** Values whose text form is easy to get wrong: every one must come back byte for byte. */
const NOTES_SQL = `
  CREATE TABLE notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text, body_length int GENERATED ALWAYS AS (length(body)) STORED,
    tags text[], payload bytea, ratio float8, amount numeric, at timestamptz, doc json, meta jsonb
  );
  INSERT INTO notes (body, tags, payload, ratio, amount, at, doc, meta) VALUES
    (E'it''s a "quote" and a back\\\\slash\\nnew line', '{"a,b","c\\"d",NULL}', '\\x00ff5c27', 0.1, 12345678901234567890.000000000001, '2025-01-02 03:04:05.678901+00', '{"b": 1,  "a": [1, 2]}', '{"z": null, "a": "ñ"}'),
    ('emoji 🌸 and tab\t', '{}', '', 'NaN', -0.0, 'infinity', 'null', '[]'),
    (NULL, NULL, NULL, '-Infinity', NULL, NULL, NULL, NULL),
    ('x', '{{1,2},{3,4}}', '\\x', 1e-300, 1e20, '1999-12-31 23:59:59.999999+00', '"s"', '1');
`;

const copy = async (from: string, to: string) => {
  await query(cluster.url(), `CREATE DATABASE ${to} TEMPLATE ${from}`);
  return cluster.url(to);
};
const count = async (url: string, sql: string) =>
  Number((await query<{ n: string }>(url, `SELECT count(*) AS n FROM ${sql}`))[0].n);

beforeAll(async () => {
  cluster = await startTestCluster("pitr-recover");
  const url = cluster.url("bloom");
  await query(cluster.url(), "CREATE DATABASE bloom");
  await generateBloomDatabase(url, 0.01);
  await query(url, NOTES_SQL);
  await query(url, "CREATE TABLE audit_log (at timestamptz, message text); INSERT INTO audit_log VALUES (now(), 'x')");
});

afterAll(async () => {
  await cluster?.destroy();
});

describe("an accidental deletion of 50 reservations with their clients and payments", () => {
  let target: string;
  let branch: string;
  let expected: string;
  const tables = ["payments", "reservations", "clients", "notes"];

  beforeAll(async () => {
    target = await copy("bloom", "prod");
    // The 50 reservations of the first clients, the clients left with none, and their payments.
    await query(target, `CREATE TABLE chosen AS SELECT id FROM reservations ORDER BY client_id, id LIMIT 50`);
    branch = await copy("prod", "branch"); // the point in time before the incident
    const incident = `
      DELETE FROM payments WHERE reservation_id IN (SELECT id FROM chosen);
      DELETE FROM reservations WHERE id IN (SELECT id FROM chosen);
      DELETE FROM clients c WHERE NOT EXISTS (SELECT 1 FROM reservations r WHERE r.client_id = c.id);
      DELETE FROM notes WHERE id IN (1, 2, 4);`;
    // What happened afterwards in production, which recovery must keep: a client re-created by
    // hand with the same id, a payment corrected, a new reservation, a note.
    const afterwards = `
      INSERT INTO clients (id, clinic_id, full_name, created_at, updated_at) VALUES (5, 2, 'Re-created by support', '2026-01-01', '2026-01-01');
      UPDATE payments SET amount = 1.23 WHERE id = (SELECT min(id) FROM payments WHERE reservation_id NOT IN (SELECT id FROM chosen));
      INSERT INTO reservations (id, clinic_id, client_id, starts_at, price, created_at, updated_at) VALUES (900001, 2, 5, '2026-02-01', 10, '2026-01-01', '2026-01-01');
      INSERT INTO notes (body) VALUES ('written after the incident');`;
    expected = await copy("branch", "expected");
    // Recovery keeps the target's version of client 5, so the expected state has it too.
    await query(
      expected,
      `SET session_replication_role = replica;
       UPDATE clients SET full_name = 'Re-created by support', email = NULL, phone = NULL, tags = '{}', notes = NULL, created_at = '2026-01-01', updated_at = '2026-01-01' WHERE id = 5;
       RESET session_replication_role;
       ${afterwards.replace(/INSERT INTO clients .*\n/, "")}`,
    );
    await query(target, incident + afterwards);
    // A target restored from an older state: its sequence lags behind the ids to recover.
    await query(target, "SELECT setval(pg_get_serial_sequence('reservations', 'id'), 3)");
  });

  test("the dry run counts per table, parents first, and changes nothing", async () => {
    const before = await tableDigests(target);
    const result = await recoverRows({ fromUrl: branch, targetUrl: target, tables, apply: false });
    const lostPayments = await count(branch, "payments WHERE reservation_id IN (SELECT id FROM chosen)");
    const lostClients = await count(
      branch,
      "clients c WHERE NOT EXISTS (SELECT 1 FROM reservations r WHERE r.client_id = c.id AND r.id NOT IN (SELECT id FROM chosen))",
    );
    const total = async (t: string) => count(branch, t);
    expect(result).toEqual({
      applied: false,
      sequences: [],
      tables: [
        {
          table: "public.clients",
          missing: lostClients - 1,
          existing: (await total("clients")) - lostClients + 1,
          inserted: 0,
        },
        { table: "public.reservations", missing: 50, existing: (await total("reservations")) - 50, inserted: 0 },
        {
          table: "public.payments",
          missing: lostPayments,
          existing: (await total("payments")) - lostPayments,
          inserted: 0,
        },
        { table: "public.notes", missing: 3, existing: 1, inserted: 0 },
      ],
    });
    expect(await tableDigests(target)).toEqual(before);
  });

  test("--apply brings every row back byte for byte, keeps later changes, advances the sequence", async () => {
    const result = await recoverRows({ fromUrl: branch, targetUrl: target, tables, apply: true });
    expect(result.applied).toBe(true);
    for (const t of result.tables) expect(t.inserted).toBe(t.missing);
    expect(result.tables.find((t) => t.table === "public.reservations")!.inserted).toBe(50);
    expect(await tableDigests(target)).toEqual(await tableDigests(expected));
    expect(await query(target, "SELECT full_name FROM clients WHERE id = 5")).toEqual([
      { full_name: "Re-created by support" },
    ]);
    const maxId = Number((await query<{ m: string }>(target, "SELECT max(id) AS m FROM reservations"))[0].m);
    expect(result.sequences).toContainEqual({
      table: "public.reservations",
      column: "id",
      sequence: "public.reservations_id_seq",
      setTo: String(maxId),
    });
    const next = Number(
      (await query<{ n: string }>(target, "SELECT nextval(pg_get_serial_sequence('reservations', 'id')) AS n"))[0].n,
    );
    expect(next).toBe(maxId + 1);
    // The note with a GENERATED ALWAYS id kept its id and its generated column was recomputed.
    const notes = "SELECT id, body_length, length(body) AS computed FROM notes WHERE id IN (1, 2) ORDER BY id";
    expect(await query(target, notes)).toEqual(await query(branch, notes));
    expect((await query<{ id: string }>(target, notes)).map((n) => n.id)).toEqual(["1", "2"]);
  });

  test("running it again inserts nothing", async () => {
    const before = await tableDigests(target);
    const again = await recoverRows({ fromUrl: branch, targetUrl: target, tables, apply: true });
    expect(again.tables.map((t) => [t.table, t.missing, t.inserted])).toEqual([
      ["public.clients", 0, 0],
      ["public.reservations", 0, 0],
      ["public.payments", 0, 0],
      ["public.notes", 0, 0],
    ]);
    expect(await tableDigests(target)).toEqual(before);
  });
});

test("names that need quoting, a composite key and a self-reference", async () => {
  const schema = `CREATE SCHEMA "Sales Data";
     CREATE TABLE "Sales Data"."Order" ("Id" int, "select" int, note text, PRIMARY KEY ("Id", "select"));
     CREATE TABLE "Sales Data"."line ""items""" (id int PRIMARY KEY, "Order Id" int, "select" int, parent int REFERENCES "Sales Data"."line ""items""",
       FOREIGN KEY ("Order Id", "select") REFERENCES "Sales Data"."Order");
     INSERT INTO "Sales Data"."Order" SELECT i, i % 3, 'n' || i FROM generate_series(1, 20) i;
     INSERT INTO "Sales Data"."line ""items""" SELECT i, i, i % 3, NULLIF(i - 1, 0) FROM generate_series(1, 20) i;`;
  const b = await copy("bloom", "odd_branch");
  const t = await copy("bloom", "odd_target");
  await query(b, schema);
  await query(t, schema);
  await query(
    t,
    `DELETE FROM "Sales Data"."line ""items""" WHERE id >= 5; DELETE FROM "Sales Data"."Order" WHERE "Id" >= 10`,
  );
  const result = await recoverRows({
    fromUrl: b,
    targetUrl: t,
    tables: ['"Sales Data"."line ""items"""', '"Sales Data"."Order"'],
    apply: true,
  });
  expect(result.tables).toEqual([
    { table: "Sales Data.Order", missing: 11, existing: 9, inserted: 11 },
    { table: 'Sales Data.line "items"', missing: 16, existing: 4, inserted: 16 },
  ]);
  expect(await tableDigests(t)).toEqual(await tableDigests(b));
});

describe("refusals change nothing and name the table", () => {
  let branch: string;
  let target: string;

  beforeAll(async () => {
    branch = await copy("bloom", "refuse_branch");
    target = await copy("bloom", "refuse_target");
    await query(branch, "DELETE FROM payments WHERE id <= 10");
    await query(target, "DELETE FROM payments WHERE id <= 20");
    await query(
      target,
      "ALTER TABLE clinics ADD COLUMN region text; ALTER TABLE users ALTER COLUMN full_name TYPE varchar(200)",
    );
    const cycle =
      "CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a); ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b";
    await query(branch, cycle);
    await query(target, cycle);
  });

  test.each<[string, string[], string]>([
    [
      "an unknown table",
      ["payments", "nope"],
      "unknown table public.nope: not found in the branch or the target; nothing was changed",
    ],
    [
      "a table without a primary key",
      ["audit_log"],
      "table public.audit_log has no primary key: its rows cannot be matched between databases, so they are never copied blindly; nothing was changed",
    ],
    [
      "an extra column",
      ["clinics"],
      "table public.clinics differs between branch and target: column region exists only in the target; nothing was changed",
    ],
    [
      "a changed type",
      ["users"],
      "table public.users differs between branch and target: column full_name is text in the branch and character varying(200) in the target; nothing was changed",
    ],
    [
      "a table name that tries SQL injection",
      ["payments; DROP TABLE clients; --"],
      "unknown table public.payments; DROP TABLE clients; --: not found in the branch or the target; nothing was changed",
    ],
    [
      "a quoted name that tries SQL injection",
      ['"payments"" WHERE false; DROP TABLE clients; --"'],
      'unknown table public.payments" WHERE false; DROP TABLE clients; --: not found in the branch or the target; nothing was changed',
    ],
    [
      "a foreign-key cycle",
      ["a", "b"],
      "foreign keys form a cycle among the chosen tables (public.a → public.b → public.a): no insertion order puts every parent first; recover these tables through pitr export and edit the file; nothing was changed",
    ],
    [
      "the same table twice",
      ["payments", "public.payments"],
      "table public.payments is listed twice; nothing was changed",
    ],
  ])("%s", async (_name, tables, message) => {
    const before = await tableDigests(target);
    await expect(recoverRows({ fromUrl: branch, targetUrl: target, tables, apply: true })).rejects.toThrow(message);
    expect(await tableDigests(target)).toEqual(before);
  });

  test("several problems are reported together", async () => {
    await expect(
      recoverRows({ fromUrl: branch, targetUrl: target, tables: ["payments", "nope", "audit_log"], apply: true }),
    ).rejects.toThrow(
      /^unknown table public.nope: .*; table public.audit_log has no primary key: .*; nothing was changed$/,
    );
  });

  test("a child whose parent row is missing in the target fails as a whole, naming the table", async () => {
    const t = await copy("bloom", "orphan_target");
    const b = await copy("bloom", "orphan_branch");
    await query(t, "DELETE FROM payments WHERE reservation_id = 4; DELETE FROM reservations WHERE id = 4");
    const before = await tableDigests(t);
    await expect(recoverRows({ fromUrl: b, targetUrl: t, tables: ["payments"], apply: true })).rejects.toThrow(
      /^recovering public.payments failed: insert or update on table "payments" violates foreign key constraint "payments_reservation_id_fkey": a recovered row references a parent row the target lacks; add the parent table to the list; the transaction was rolled back, nothing was changed$/,
    );
    expect(await tableDigests(t)).toEqual(before);
  });

  test("a signal aborted before the recovery starts changes nothing (mid-insert: interrupt.test.ts)", async () => {
    const before = await tableDigests(target);
    const controller = new AbortController();
    controller.abort(new Error("SIGINT"));
    await expect(
      recoverRows({ fromUrl: branch, targetUrl: target, tables: ["payments"], apply: true, signal: controller.signal }),
    ).rejects.toThrow("pitr recover interrupted; the transaction was rolled back, nothing was changed");
    expect(await tableDigests(target)).toEqual(before);
  });

  test("an unreachable target is a one-line error without its password", async () => {
    const err = await recoverRows({
      fromUrl: branch,
      targetUrl: "postgresql://postgres:hunter2-secret@127.0.0.1:1/prod",
      tables: ["payments"],
      apply: false,
    }).then(
      () => new Error("resolved"),
      (e: Error) => e,
    );
    expect(err.message).toMatch(/^cannot connect to the target postgresql:\/\/postgres:\*\*\*@127.0.0.1:1\/prod: /);
    expect(err.message).not.toContain("hunter2");
    expect(err.message).not.toContain("\n");
  });
});
