import {
  advanceSequenceSql,
  countMissingSql,
  createStageSql,
  exportInsertParts,
  exportValuesSql,
  insertFromStageSql,
  insertTextBatchSql,
  rowsByKeysSql,
} from "../../../runtime/lib/pitr/sqlBuilders";
import { shapeDifference, TableShape } from "../../../runtime/lib/pitr/tableShape";

const clients = { schema: "public", name: "clients" };
const hostile = { schema: "public", name: 'x"; DROP TABLE clients; --' };
const id = [{ name: "id", type: "bigint" }];
const cols = [
  { name: "id", type: "bigint" },
  { name: "tags", type: "text[]" },
  { name: "price", type: "numeric(10,2)" },
];

test.each<[string, string, string]>([
  [
    "stage table",
    createStageSql("bloom_dr_keys_0", cols),
    `CREATE TEMP TABLE "bloom_dr_keys_0" ("id" bigint, "tags" text[], "price" numeric(10,2)) ON COMMIT DROP`,
  ],
  [
    "batch of text values",
    insertTextBatchSql("s", cols),
    `INSERT INTO pg_temp."s" ("id", "tags", "price") SELECT u.c0::bigint, u.c1::text[], u.c2::numeric(10,2) FROM unnest($1::text[], $2::text[], $3::text[]) AS u(c0, c1, c2)`,
  ],
  [
    "missing keys",
    countMissingSql("s", clients, id),
    `SELECT count(*) AS total, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM "public"."clients" AS t WHERE t."id" = s."id")) AS missing FROM pg_temp."s" AS s`,
  ],
  [
    "rows by composite key",
    rowsByKeysSql(clients, cols, [
      { name: "clinic_id", type: "bigint" },
      { name: "id", type: "bigint" },
    ]),
    `SELECT t."id", t."tags", t."price" FROM "public"."clients" AS t JOIN unnest($1::text[], $2::text[]) AS k(k0, k1) ON t."clinic_id" = k.k0::bigint AND t."id" = k.k1::bigint`,
  ],
  [
    "insert never overwrites",
    insertFromStageSql(clients, "r", cols, id, false),
    `INSERT INTO "public"."clients" ("id", "tags", "price") SELECT "id", "tags", "price" FROM pg_temp."r" ON CONFLICT ("id") DO NOTHING`,
  ],
  [
    "identity ALWAYS keeps ids",
    insertFromStageSql(clients, "r", id, id, true),
    `INSERT INTO "public"."clients" ("id") OVERRIDING SYSTEM VALUE SELECT "id" FROM pg_temp."r" ON CONFLICT ("id") DO NOTHING`,
  ],
  [
    "hostile table name stays an identifier",
    countMissingSql("s", hostile, id),
    `SELECT count(*) AS total, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM "public"."x""; DROP TABLE clients; --" AS t WHERE t."id" = s."id")) AS missing FROM pg_temp."s" AS s`,
  ],
  [
    "server-side literals",
    exportValuesSql(clients, cols, id),
    `SELECT array_to_string(ARRAY[quote_nullable(t."id"), quote_nullable(t."tags"), quote_nullable(t."price")], ', ') AS v FROM "public"."clients" AS t ORDER BY t."id"`,
  ],
])("%s", (_name, actual, expected) => {
  expect(actual).toBe(expected);
});

test("sequence advance only moves forward and quotes names as literals", () => {
  expect(advanceSequenceSql({ schema: "public", name: "it's" }, "id")).toBe(
    `SELECT x.seq AS sequence, setval(x.seq::regclass, x.m) AS set_to FROM (SELECT pg_get_serial_sequence('"public"."it''s"', 'id') AS seq, (SELECT max("id") FROM "public"."it's") AS m) AS x WHERE x.seq IS NOT NULL AND x.m IS NOT NULL AND x.m > coalesce(pg_sequence_last_value(x.seq::regclass), 0)`,
  );
});

test("export INSERT parts", () => {
  expect(exportInsertParts(clients, cols, id, false)).toEqual({
    prefix: `INSERT INTO "public"."clients" ("id", "tags", "price") VALUES (`,
    suffix: `) ON CONFLICT ("id") DO NOTHING;`,
  });
});

describe("shapeDifference", () => {
  const col = (name: string, type: string, generated = false) => ({
    name,
    type,
    generated,
    identity: "" as const,
    sequence: null,
  });
  const shape = (columns: ReturnType<typeof col>[], primaryKey = ["id"]): TableShape => ({
    table: clients,
    columns,
    primaryKey,
  });
  const base = shape([col("id", "bigint"), col("name", "text")]);
  test.each<[string, TableShape, string | undefined]>([
    ["identical", shape([col("id", "bigint"), col("name", "text")]), undefined],
    ["same columns in another order", shape([col("name", "text"), col("id", "bigint")]), undefined],
    [
      "extra column in the target",
      shape([col("id", "bigint"), col("name", "text"), col("region", "text")]),
      "table public.clients differs between branch and target: column region exists only in the target",
    ],
    [
      "column missing from the target",
      shape([col("id", "bigint")]),
      "table public.clients differs between branch and target: column name exists only in the branch",
    ],
    [
      "changed type",
      shape([col("id", "integer"), col("name", "text")]),
      "table public.clients differs between branch and target: column id is bigint in the branch and integer in the target",
    ],
    [
      "generated on one side",
      shape([col("id", "bigint"), col("name", "text", true)]),
      "table public.clients differs between branch and target: column name is generated on one side only",
    ],
    [
      "another primary key",
      shape([col("id", "bigint"), col("name", "text")], ["name"]),
      "table public.clients differs between branch and target: primary key is (id) in the branch and (name) in the target",
    ],
  ])("%s", (_name, target, reason) => {
    expect(shapeDifference(base, target)).toBe(reason);
  });
});
