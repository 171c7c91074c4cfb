import { escalationState, parseSeverity, SEVERITIES } from "../../../runtime/lib/incident/severity";

describe("parseSeverity", () => {
  test.each([
    ["1", 1],
    ["SEV-2", 2],
    ["sev3", 3],
    [" 4 ", 4],
    ["Sev-1", 1],
  ])("%j → %d", (input, level) => {
    expect(parseSeverity(input)).toBe(level);
  });
  test.each(["0", "5", "SEV-", "high", ""])("%j is refused", (input) => {
    expect(() => parseSeverity(input)).toThrow(`severity "${input}" is not one of 1, 2, 3, 4`);
  });
});

describe("the playbook's escalation matrix", () => {
  test.each([
    [1, "On-call DevOps", "15 minutes", "CTO + CEO", "< 15 min"],
    [2, "On-call DevOps", "1 hour", "DevOps Lead", "< 1 hora"],
    [3, "On-call DevOps", "4 hours", "Team Lead", "< 4 horas"],
    [4, "Any Developer", "24 hours", "Tech Lead", "< 24 horas"],
  ] as const)("SEV-%d: %s, after %s to %s", (level, first, after, to, response) => {
    expect(SEVERITIES[level]).toMatchObject({
      label: `SEV-${level}`,
      firstResponder: first,
      escalateAfter: after,
      escalateTo: to,
      responseTime: response,
    });
  });

  test.each([
    [2, 30 * 60_000, { escalateTo: "DevOps Lead", dueAtMs: 3_600_000, overdue: false, remainingMs: 30 * 60_000 }],
    [2, 61 * 60_000, { escalateTo: "DevOps Lead", dueAtMs: 3_600_000, overdue: true, remainingMs: 0 }],
    [1, 15 * 60_000, { escalateTo: "CTO + CEO", dueAtMs: 900_000, overdue: false, remainingMs: 0 }],
    [1, 15 * 60_000 + 1, { escalateTo: "CTO + CEO", dueAtMs: 900_000, overdue: true, remainingMs: 0 }],
  ] as const)("SEV-%d after %d ms", (level, elapsed, state) => {
    expect(escalationState(level, elapsed)).toEqual(state);
  });
});
