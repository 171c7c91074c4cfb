import { parsePromotionResult } from "../../components/promotionResult";

const ANSWER = {
  ok: true,
  path: "fast",
  backupId: "20260310T020000Z",
  snapshotAt: "2026-03-10T02:00:00.000Z",
  rpoSeconds: 27000,
  servingSince: "2026-03-10T09:30:00.000Z",
  appRole: "bloom_app",
  phases: { verify: 900, role: 200, validate: 2100, mark: 40 },
  totalMs: 3240,
};

test.each(["restored", "fast", "already-serving"])(
  "path %s: the summary the stack exports (phases left out)",
  (path) => {
    expect(parsePromotionResult(JSON.stringify({ ...ANSWER, path }), "bloom_app")).toEqual({
      path,
      backupId: "20260310T020000Z",
      snapshotAt: "2026-03-10T02:00:00.000Z",
      rpoSeconds: 27000,
      servingSince: "2026-03-10T09:30:00.000Z",
      appRole: "bloom_app",
      totalMs: 3240,
    });
  },
);

describe("the replica path (a logical replica promoted: no backup involved)", () => {
  const REPLICA = { ...ANSWER, path: "replica", backupId: undefined, snapshotAt: undefined, rpoSeconds: 2 };

  test("backup id and snapshot time are absent; the RPO is the lag at promotion", () => {
    expect(parsePromotionResult(JSON.stringify(REPLICA), "bloom_app")).toEqual({
      path: "replica",
      rpoSeconds: 2,
      servingSince: "2026-03-10T09:30:00.000Z",
      appRole: "bloom_app",
      totalMs: 3240,
    });
  });

  test.each([
    ["replica", { backupId: null, snapshotAt: null }],
    ["already-serving", {}],
  ])("path %s may answer without a backup", (path, extra) => {
    const summary = parsePromotionResult(JSON.stringify({ ...REPLICA, path, ...extra }), "bloom_app");
    expect([summary.path, summary.backupId, summary.snapshotAt]).toEqual([path, undefined, undefined]);
  });

  test.each([
    ["restored", 'no valid "backupId" (got nothing)'],
    ["fast", 'no valid "backupId" (got nothing)'],
  ])("path %s still needs its backup", (path, reason) => {
    expect(() => parsePromotionResult(JSON.stringify({ ...REPLICA, path }), "bloom_app")).toThrow(reason);
  });

  test("an answer naming the subscription and its recovery point keeps them", () => {
    const answer = { ...REPLICA, backupId: "replica:bloom_dr", snapshotAt: "2026-03-10T09:29:58.000Z" };
    expect(parsePromotionResult(JSON.stringify(answer), "bloom_app")).toMatchObject({
      path: "replica",
      backupId: "replica:bloom_dr",
      snapshotAt: "2026-03-10T09:29:58.000Z",
      rpoSeconds: 2,
    });
  });

  test("a snapshot time given on the replica path is still checked", () => {
    expect(() => parsePromotionResult(JSON.stringify({ ...REPLICA, snapshotAt: "yesterday" }), "bloom_app")).toThrow(
      'no valid "snapshotAt" (got "yesterday")',
    );
  });
});

const REPORT = ": read the promotion function's log group for its report";

test.each([
  ["not JSON", "Task timed out", "something that is not JSON"],
  ["an array", "[]", "no JSON object"],
  ["ok false", JSON.stringify({ ...ANSWER, ok: false }), "ok: false instead of true"],
  ["no ok", JSON.stringify({ ...ANSWER, ok: undefined }), "ok: nothing instead of true"],
  ["an unknown path", JSON.stringify({ ...ANSWER, path: "skipped" }), 'no valid "path" (got "skipped")'],
  ["no backup id", JSON.stringify({ ...ANSWER, backupId: "" }), 'no valid "backupId" (got "")'],
  [
    "a bad snapshot time",
    JSON.stringify({ ...ANSWER, snapshotAt: "yesterday" }),
    'no valid "snapshotAt" (got "yesterday")',
  ],
  ["a negative RPO", JSON.stringify({ ...ANSWER, rpoSeconds: -1 }), 'no valid "rpoSeconds" (got -1)'],
  ["no serving time", JSON.stringify({ ...ANSWER, servingSince: undefined }), 'no valid "servingSince" (got nothing)'],
  ["no total", JSON.stringify({ ...ANSWER, totalMs: "3s" }), 'no valid "totalMs" (got "3s")'],
])("refuses %s", (_label, result, reason) => {
  expect(() => parsePromotionResult(result, "bloom_app")).toThrow(`the promotion step returned ${reason}${REPORT}`);
});

test("a database that serves another role is refused: the app's URL would name a role it does not have", () => {
  expect(() => parsePromotionResult(JSON.stringify({ ...ANSWER, appRole: "old_app" }), "bloom_app")).toThrow(
    'the database serves the app role "old_app" (since 2026-03-10T09:30:00.000Z) but bloom-dr:failover.appRole is "bloom_app": the role cannot change while failover is active; set it back to "old_app", or fail back first',
  );
});
