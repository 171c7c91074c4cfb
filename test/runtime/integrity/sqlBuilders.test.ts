import { ForeignKeyInfo } from "../../../runtime/lib/integrity/catalog";
import {
  formatKey,
  orphanCountSql,
  orphanFixSql,
  orphanPredicate,
  reindexSql,
  validateConstraintSql,
} from "../../../runtime/lib/integrity/sqlBuilders";

const single: ForeignKeyInfo = {
  constraint: "payments_reservation_id_fkey",
  child: { schema: "public", name: "payments" },
  childOnly: true,
  parent: { schema: "public", name: "reservations" },
  parentOnly: true,
  childColumns: ["reservation_id"],
  parentColumns: ["id"],
  childNullable: false,
  matchFull: false,
};
const composite: ForeignKeyInfo = {
  ...single,
  constraint: "reservations_clinic_id_client_id_fkey",
  child: { schema: "public", name: "reservations" },
  parent: { schema: "public", name: "clients" },
  parentOnly: false,
  childColumns: ["clinic_id", "client_id"],
  parentColumns: ["clinic_id", "id"],
};

describe("orphanPredicate", () => {
  test.each<[string, ForeignKeyInfo, string]>([
    [
      "single column",
      single,
      `child."reservation_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ONLY "public"."reservations" AS parent WHERE parent."id" = child."reservation_id")`,
    ],
    [
      "composite MATCH SIMPLE: a key with any NULL is exempt",
      composite,
      `child."clinic_id" IS NOT NULL AND child."client_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "public"."clients" AS parent WHERE parent."clinic_id" = child."clinic_id" AND parent."id" = child."client_id")`,
    ],
    [
      "composite MATCH FULL: partly-NULL keys are violations too",
      { ...composite, matchFull: true },
      `(child."clinic_id" IS NOT NULL AND child."client_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "public"."clients" AS parent WHERE parent."clinic_id" = child."clinic_id" AND parent."id" = child."client_id")) OR num_nulls(child."clinic_id", child."client_id") NOT IN (0, 2)`,
    ],
    [
      "hostile names stay identifiers",
      { ...single, child: { schema: "public", name: 'x"; DROP TABLE y; --' }, childColumns: ['c"1'] },
      `child."c""1" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ONLY "public"."reservations" AS parent WHERE parent."id" = child."c""1")`,
    ],
  ])("%s", (_name, fk, sql) => {
    expect(orphanPredicate(fk)).toBe(sql);
  });
});

describe("orphanCountSql", () => {
  test("reads the child once and samples the dangling keys", () => {
    const sql = orphanCountSql(composite);
    expect(sql).toContain(`FROM ONLY "public"."reservations" AS child`);
    expect(sql).toContain(`json_build_array("clinic_id", "client_id")`);
    expect(sql).toContain("LIMIT 5");
    expect(sql.match(/NOT EXISTS/g)).toHaveLength(1);
  });
});

describe("orphanFixSql", () => {
  test("a NOT NULL key can only be fixed by deleting", () => {
    const sql = orphanFixSql(single);
    expect(sql).toContain(
      `DELETE FROM ONLY "public"."payments" AS child\n WHERE child."reservation_id" IS NOT NULL AND NOT EXISTS`,
    );
    expect(sql).not.toContain("UPDATE");
  });

  test("a nullable key also gets the SET NULL alternative", () => {
    const sql = orphanFixSql({ ...composite, childNullable: true });
    expect(sql).toContain(
      `UPDATE ONLY "public"."reservations" AS child SET "clinic_id" = NULL, "client_id" = NULL\n WHERE`,
    );
  });
});

describe("other fixes", () => {
  test.each([
    [
      validateConstraintSql({
        constraint: "amount_small",
        owner: { schema: "public", name: "payments" },
        ownerKind: "table",
        type: "c",
        validated: false,
      }),
      `ALTER TABLE "public"."payments" VALIDATE CONSTRAINT "amount_small";`,
    ],
    [
      validateConstraintSql({
        constraint: "positive",
        owner: { schema: "public", name: "money" },
        ownerKind: "domain",
        type: "c",
        validated: false,
      }),
      `ALTER DOMAIN "public"."money" VALIDATE CONSTRAINT "positive";`,
    ],
    [
      reindexSql({ schema: "public", name: "payments_reservation_idx" }),
      `REINDEX INDEX CONCURRENTLY "public"."payments_reservation_idx";`,
    ],
  ])("%s", (actual, expected) => {
    expect(actual).toBe(expected);
  });

  test.each([
    [[3, 17], "(3, 17)"],
    [["a", null], "(a, NULL)"],
    [5, "(5)"],
  ])("formatKey(%j) = %s", (key, text) => {
    expect(formatKey(key)).toBe(text);
  });
});
