import { classifyStatements, splitStatements } from "../../../runtime/lib/pitr/sqlScript";

describe("splitStatements", () => {
  test.each<[string, string, { sql: string; line: number }[]]>([
    [
      "two statements",
      "BEGIN;\nCOMMIT;\n",
      [
        { sql: "BEGIN", line: 1 },
        { sql: "COMMIT", line: 2 },
      ],
    ],
    ["semicolon inside a literal", "INSERT INTO t VALUES ('a;b');", [{ sql: "INSERT INTO t VALUES ('a;b')", line: 1 }]],
    ["doubled quote", "SELECT 'it''s;';", [{ sql: "SELECT 'it''s;'", line: 1 }]],
    ["E'' with an escaped quote", "SELECT E'a\\';b';", [{ sql: "SELECT E'a\\';b'", line: 1 }]],
    [
      "a backslash ends a plain literal",
      "SELECT 'a\\';SELECT 2;",
      [
        { sql: "SELECT 'a\\'", line: 1 },
        { sql: "SELECT 2", line: 1 },
      ],
    ],
    ["an identifier ending in e is not an E-string", "SELECT some'x;';", [{ sql: "SELECT some'x;'", line: 1 }]],
    ["quoted identifier", 'INSERT INTO "a;""b" VALUES (1);', [{ sql: 'INSERT INTO "a;""b" VALUES (1)', line: 1 }]],
    [
      "newline inside a literal counts lines",
      "SELECT 'a\n;b';\nSELECT 3;",
      [
        { sql: "SELECT 'a\n;b'", line: 1 },
        { sql: "SELECT 3", line: 3 },
      ],
    ],
    [
      "comments are skipped",
      "-- one; two\n/* x; /* nested; */ y */ SELECT 1; -- tail;\n",
      [{ sql: "SELECT 1", line: 2 }],
    ],
    ["dollar quotes", "SELECT $q$a;'b$q$;", [{ sql: "SELECT $q$a;'b$q$", line: 1 }]],
    ["empty statements are dropped", ";;\n;", []],
  ])("%s", (_name, text, expected) => {
    expect(splitStatements(text)).toEqual(expected);
  });

  test.each([
    ["SELECT 'open;\n", "unterminated string literal starting on line 1"],
    ['SELECT 1;\nSELECT "x;\n', "unterminated quoted identifier starting on line 2"],
    ["/* never closed", "unterminated comment starting on line 1"],
    ["SELECT 1;\nINSERT INTO t VALUES (1)\n", "statement on line 2 has no terminating semicolon"],
  ])("%j is refused", (text, message) => {
    expect(() => splitStatements(text)).toThrow(message);
  });
});

describe("classifyStatements", () => {
  const ok = [
    "BEGIN",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    `INSERT INTO "public"."a""b" ("id", "x") VALUES ('1', 'ON CONFLICT') ON CONFLICT ("id") DO NOTHING`,
    `SELECT x.seq AS sequence, setval(x.seq::regclass, x.m) AS set_to FROM (SELECT pg_get_serial_sequence('"public"."t"', 'id') AS seq, (SELECT max("id") FROM "public"."t") AS m) AS x WHERE true`,
    "COMMIT",
  ];

  test("accepts what an export writes and names the insert's table", () => {
    const classified = classifyStatements(ok.map((sql, i) => ({ sql, line: i + 1 })));
    expect(classified.map((c) => c.kind)).toEqual(["begin", "setting", "insert", "sequence", "commit"]);
    expect(classified[2]).toMatchObject({ table: 'public.a"b' });
  });

  test.each([
    ["DELETE FROM clients", "line 7: statement not allowed in a pitr import file"],
    [
      `INSERT INTO "public"."t" ("id") VALUES ('1') ON CONFLICT ("id") DO UPDATE SET id = 2`,
      "line 7: statement not allowed",
    ],
    [`INSERT INTO "public"."t" ("id") VALUES ('1')`, "line 7: statement not allowed"],
    ["SET LOCAL role = 'postgres'", "line 7: statement not allowed"],
    ["SET LOCAL TimeZone = 'UTC\\'; DROP'", "line 7: statement not allowed"],
  ])("refuses %s", (sql, message) => {
    expect(() => classifyStatements([{ sql, line: 7 }])).toThrow(message);
  });
});

describe("readStatements", () => {
  const { mkdtempSync, rmSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
  const os = require("node:os") as typeof import("node:os");
  const path = require("node:path") as typeof import("node:path");
  const { readStatements } =
    require("../../../runtime/lib/pitr/sqlScript") as typeof import("../../../runtime/lib/pitr/sqlScript");
  const text = [
    "-- header; with a semicolon",
    "BEGIN;",
    "/* block; /* nested */ */ SET LOCAL TimeZone = 'UTC';",
    `INSERT INTO "public"."a;b" ("x") VALUES ('it''s; -- not a comment', E'back\\\\slash\\'; quote', 'ñ 🌸', $q$dollar; 'x'$q$, -1) ON CONFLICT ("x") DO NOTHING;`,
    "INSERT INTO t VALUES ('multi",
    "line;');",
    "COMMIT;",
    "",
  ].join("\n");

  test("gives the same statements whatever the chunk boundaries", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-sqlscript-"));
    try {
      const file = path.join(dir, "x.sql");
      writeFileSync(file, text);
      const expected = splitStatements(text);
      expect(expected).toHaveLength(5);
      for (const chunk of [1, 2, 3, 5, 7, 13, 64, 1 << 20]) {
        const got = [];
        for await (const s of readStatements(file, chunk)) got.push(s);
        expect(got).toEqual(expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unterminated literal at the end of the file is still an error", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-sqlscript-"));
    try {
      const file = path.join(dir, "x.sql");
      writeFileSync(file, "BEGIN;\nINSERT INTO t VALUES ('open;\n");
      const read = async () => {
        for await (const s of readStatements(file, 4)) void s;
      };
      await expect(read()).rejects.toThrow("unterminated string literal starting on line 2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
