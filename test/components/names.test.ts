import { NAME_LIMITS, boundedName, finalSnapshotIdentifier } from "../../components/names";

const RDS_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/;

describe("boundedName", () => {
  test.each([
    [["bloom-dr", "prod", "failover"], 63, "bloom-dr-prod-failover"],
    [["Bloom_DR", "Prod"], 63, "bloom-dr-prod"],
    [["bloom-dr", "", "x"], 63, "bloom-dr-x"],
    [["--a--", "b-"], 63, "a-b"],
    [["42", "stack"], 63, "stack"],
  ])("%j within %i -> %s", (parts, max, expected) => {
    expect(boundedName(parts, max)).toBe(expected);
  });

  test.each([
    [["bloom-dr", "a".repeat(80), "failover"], 63],
    [["x".repeat(300)], 255],
    [["bloom-dr", "very-long-stack-name-for-a-drill", "failover-database-component"], 40],
  ])("shortens %j to at most %i characters with a hash, keeping the RDS shape", (parts, max) => {
    const name = boundedName(parts, max);
    expect(name.length).toBeLessThanOrEqual(max);
    expect(name).toMatch(RDS_IDENTIFIER);
    expect(name).toMatch(/-[0-9a-f]{6}$/);
  });

  test("two long names that share their first characters stay distinct", () => {
    const a = boundedName(["p", "s".repeat(70), "one"], 63);
    const b = boundedName(["p", "s".repeat(70), "two"], 63);
    expect(a).not.toBe(b);
    expect(a.slice(0, 50)).toBe(b.slice(0, 50));
  });

  test.each([
    [["123", "---"], 63, "has no letter to start a name with"],
    [["abc"], 5, "leaves no room"],
  ])("rejects %j", (parts, max, message) => {
    expect(() => boundedName(parts, max)).toThrow(message);
  });
});

test.each([
  ["bloom-dr", "dr", "failover", "1a2b3c4d", "bloom-dr-dr-failover-final-1a2b3c4d"],
  ["bloom-dr", "dr-drill-2026q1", "failover", "00ff00ff", "bloom-dr-dr-drill-2026q1-failover-final-00ff00ff"],
])("finalSnapshotIdentifier(%s, %s, %s, %s) = %s", (project, stack, component, suffix, expected) => {
  expect(finalSnapshotIdentifier(project, stack, component, suffix)).toBe(expected);
  expect(expected).toMatch(RDS_IDENTIFIER);
});

test("two instances of one component get two final snapshot names, even when the name is shortened", () => {
  const longStack = "s".repeat(300);
  const first = finalSnapshotIdentifier("bloom-dr", longStack, "failover", "1a2b3c4d");
  const second = finalSnapshotIdentifier("bloom-dr", longStack, "failover", "5e6f7a8b");
  expect(first).not.toBe(second);
  for (const name of [first, second]) {
    expect(name.length).toBeLessThanOrEqual(NAME_LIMITS.rdsSnapshotIdentifier);
    expect(name).toMatch(RDS_IDENTIFIER);
  }
  expect(first.endsWith("-final-1a2b3c4d")).toBe(true);
});

test.each(["", "ABC", "a-b"])("finalSnapshotIdentifier refuses the suffix %j", (suffix) => {
  expect(() => finalSnapshotIdentifier("bloom-dr", "dr", "failover", suffix)).toThrow(
    `finalSnapshotIdentifier: suffix must be lowercase letters and digits (got "${suffix}")`,
  );
});
