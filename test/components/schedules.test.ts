import { scheduleIntervalSeconds, stalenessPeriodSeconds } from "../../components/schedules";

describe("scheduleIntervalSeconds", () => {
  test.each([
    ["rate(1 minute)", 60],
    ["rate(15 minutes)", 900],
    ["rate(1 hour)", 3600],
    ["rate(6 hours)", 21600],
    ["rate(1 day)", 86400],
    ["rate(2 days)", 172800],
    ["cron(0 2 * * ? *)", 86400],
    ["cron(0/15 * * * ? *)", 900],
    ["cron(0 */6 * * ? *)", 21600],
    ["cron(30 1,13 * * ? *)", 43200],
    // 02:00 and 20:00: the long gap is the day one, 02:00 -> 20:00, not the average 12 h.
    ["cron(0 2,20 * * ? *)", 18 * 3600],
    // Weekdays only: Friday 03:00 to Monday 03:00.
    ["cron(0 3 ? * MON-FRI *)", 3 * 86400],
    ["cron(0 3 ? * 2-6 *)", 3 * 86400],
    ["cron(0 4 ? * SUN *)", 7 * 86400],
    // The 1st of each month: the longest gap is a 31-day month.
    ["cron(0 0 1 * ? *)", 31 * 86400],
    ["cron(0 2 * JAN-MAR ? *)", (365 - 90 + 1) * 86400],
    ["  rate(5 minutes)  ", 300],
  ])("%s -> %i s", (expression, seconds) => {
    expect(scheduleIntervalSeconds(expression)).toBe(seconds);
  });

  test.each([
    ["at(2026-01-01T00:00:00)", 'schedule "at(2026-01-01T00:00:00)" is neither rate(...) nor cron(...)'],
    ["rate(1 hours)", 'must say "1 hour"'],
    ["rate(5 minute)", 'must say "5 minutes"'],
    ["rate(0 minutes)", "has a rate below 1"],
    ["rate(5 weeks)", 'has unknown unit "weeks"'],
    ["rate(five minutes)", "is not rate(<number> <unit>)"],
    ["cron(0 2 * * *)", "has 5 fields instead of 6"],
    ["cron(0 2 * * ? 2027)", 'pins the year "2027"'],
    ["cron(0 2 * * * *)", 'exactly one of day-of-month and day-of-week set to "?"'],
    ["cron(0 2 ? * ? *)", 'exactly one of day-of-month and day-of-week set to "?"'],
    ["cron(61 2 * * ? *)", 'minutes value "61" outside 0-59'],
    ["cron(0 24 * * ? *)", 'hours value "24" outside 0-23'],
    ["cron(0 2 L * ? *)", 'uses "L" in day-of-month'],
    ["cron(0 2 ? * 6#3 *)", 'uses "6#3" in day-of-week'],
    ["cron(0 2 ? * FRI-MON *)", 'descending range "FRI-MON"'],
    ["cron(0 2 31 FEB ? *)", "never runs twice in four years"],
  ])("rejects %s", (expression, message) => {
    expect(() => scheduleIntervalSeconds(expression)).toThrow(message);
  });
});

describe("stalenessPeriodSeconds", () => {
  test.each([
    ["cron(0 2 * * ? *)", 60, 86400 + 3600],
    ["rate(1 hour)", 0, 3600],
    ["rate(15 minutes)", 30, 2700],
    ["cron(0 3 ? * MON-FRI *)", 120, 3 * 86400 + 7200],
    ["cron(0 4 ? * SUN *)", 0, 7 * 86400],
  ])("%s + %i min -> %i s", (expression, grace, period) => {
    expect(stalenessPeriodSeconds(expression, grace)).toBe(period);
    expect(period % 60).toBe(0);
  });

  test.each([
    ["cron(0 4 ? * SUN *)", 1, "longer than CloudWatch's 604800 s"],
    ["cron(0 0 1 * ? *)", 0, "longer than CloudWatch's 604800 s"],
    ["rate(1 day)", -5, "stalenessGraceMinutes must be a whole number ≥ 0 (got -5)"],
    ["rate(1 day)", 1.5, "stalenessGraceMinutes must be a whole number ≥ 0 (got 1.5)"],
  ])("rejects %s with %s grace minutes", (expression, grace, message) => {
    expect(() => stalenessPeriodSeconds(expression, grace)).toThrow(message);
  });
});
