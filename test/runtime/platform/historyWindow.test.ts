import { assertBranchTime, branchTimeProblem, HistoryWindow } from "../../../runtime/lib/platform/historyWindow";

const window: HistoryWindow = {
  start: new Date("2025-01-15T10:00:00.000Z"),
  end: new Date("2025-01-15T12:00:00.000Z"),
  startsAt: "the base backup",
};

describe("branchTimeProblem", () => {
  test.each([
    ["the start itself", "2025-01-15T10:00:00.000Z"],
    ["inside the window", "2025-01-15T11:00:00.000Z"],
    ["the end itself", "2025-01-15T12:00:00.000Z"],
  ])("accepts %s", (_label, at) => {
    expect(branchTimeProblem(new Date(at), window)).toBeUndefined();
  });

  test.each([
    [
      "a time in the future",
      "2025-01-15T12:00:00.001Z",
      "branch time 2025-01-15T12:00:00.001Z is in the future (now 2025-01-15T12:00:00.000Z): pick a time in the past",
    ],
    [
      "a time before the history starts",
      "2025-01-15T09:59:59.999Z",
      "branch time 2025-01-15T09:59:59.999Z is before the base backup (2025-01-15T10:00:00.000Z): pick a time between 2025-01-15T10:00:00.000Z and 2025-01-15T12:00:00.000Z",
    ],
    [
      "an invalid date",
      "not a date",
      "branch time is not a valid date: give an ISO-8601 UTC time such as 2025-01-15T10:30:00Z",
    ],
  ])("rejects %s with one line", (_label, at, message) => {
    expect(branchTimeProblem(new Date(at), window)).toBe(message);
    expect(() => assertBranchTime(new Date(at), window)).toThrow(message);
    expect(message).not.toContain("\n");
  });
});
