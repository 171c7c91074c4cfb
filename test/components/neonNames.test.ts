import {
  connectionUri,
  epochSeconds,
  historyRetentionSeconds,
  pooledHost,
  requireBranchPassword,
  yesNo,
} from "../../components/neonNames";

test.each([
  ["ep-cool-darkness-123456.us-east-2.aws.neon.tech", "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech"],
  ["ep-a.eu-central-1.aws.neon.tech", "ep-a-pooler.eu-central-1.aws.neon.tech"],
  ["ep-a-pooler.eu-central-1.aws.neon.tech", "ep-a-pooler.eu-central-1.aws.neon.tech"],
])("pooledHost(%s)", (host, expected) => expect(pooledHost(host)).toBe(expected));

test("pooledHost rejects a host without a domain", () => {
  expect(() => pooledHost("localhost")).toThrow(
    'neon endpoint host "localhost" has no domain; expected ep-<id>.<region>.aws.neon.tech',
  );
});

test.each([
  [
    { user: "bloom_app", password: "s3cret", host: "h.neon.tech", database: "bloom" },
    "postgresql://bloom_app:s3cret@h.neon.tech/bloom?sslmode=require",
  ],
  [
    { user: "a", password: "p@ss/w:rd?#", host: "h", database: "d b" },
    "postgresql://a:p%40ss%2Fw%3Ard%3F%23@h/d%20b?sslmode=require",
  ],
])("connectionUri %#", (parts, expected) => {
  expect(connectionUri(parts)).toBe(expected);
  expect(decodeURIComponent(new URL(expected).password)).toBe(parts.password);
});

test.each([
  [1, 3600],
  [24, 86400],
  [168, 604800],
  [720, 2592000],
])("historyRetentionSeconds(%i) = %i", (hours, seconds) => expect(historyRetentionSeconds(hours)).toBe(seconds));

test.each([0, -1, 1.5])("historyRetentionSeconds(%p) throws", (hours) =>
  expect(() => historyRetentionSeconds(hours)).toThrow("history retention must be a whole number of hours"),
);

test.each([
  ["1970-01-01T00:00:00Z", 0],
  ["2026-03-09T08:15:00Z", 1773044100],
  ["2026-03-09T08:15:00.999Z", 1773044100],
])("epochSeconds(%s) = %i", (iso, seconds) => expect(epochSeconds(iso)).toBe(seconds));

test("epochSeconds rejects a non-date", () =>
  expect(() => epochSeconds("yesterday")).toThrow('PITR timestamp "yesterday" is not a date'));

test("yesNo", () => {
  expect(yesNo(true)).toBe("yes");
  expect(yesNo(false)).toBe("no");
});

describe("requireBranchPassword", () => {
  test("returns the branch's password", () => {
    expect(requireBranchPassword({ password: "pw", roleName: "bloom_app", branchId: "br-1" }, "PitrBranch p")).toBe(
      "pw",
    );
  });

  test.each(["", undefined])("an empty answer (%j) fails with role and branch named", (password) => {
    expect(() =>
      requireBranchPassword({ password: password as string, roleName: "bloom_app", branchId: "br-1" }, "PitrBranch p"),
    ).toThrow(
      "PitrBranch p: Neon returned no password for role bloom_app on branch br-1; check neon:apiKey and that the project stores passwords",
    );
  });
});
