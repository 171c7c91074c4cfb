import { deadlineSignal, logLine } from "../../../runtime/handlers/dependencies";

describe("deadlineSignal", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test("aborts the given margin before the Lambda deadline, with a reason that says what to do", () => {
    const { signal } = deadlineSignal({ getRemainingTimeInMillis: () => 70_000 }, 60_000);
    jest.advanceTimersByTime(9_999);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe(
      "stopped 60s before the Lambda timeout to clean up: raise the function timeout or use the fargate runner",
    );
  });

  test("aborts at once when less than the margin remains", () => {
    const { signal } = deadlineSignal({ getRemainingTimeInMillis: () => 5_000 }, 60_000);
    jest.advanceTimersByTime(0);
    expect(signal.aborted).toBe(true);
  });

  test.each([[undefined], [{}]])("never aborts without a deadline (context %p)", (context) => {
    const { signal } = deadlineSignal(context);
    jest.advanceTimersByTime(24 * 3600_000);
    expect(signal.aborted).toBe(false);
  });

  test("dispose cancels the timer", () => {
    const { signal, dispose } = deadlineSignal({ getRemainingTimeInMillis: () => 61_000 }, 60_000);
    dispose();
    jest.advanceTimersByTime(10_000);
    expect(signal.aborted).toBe(false);
  });
});

test.each([
  ["backup.complete", "info"],
  ["restore-test.complete", "info"],
  ["backup.failed", "error"],
])("logLine %s is one JSON line at level %s", (event, level) => {
  const line = logLine(event, { id: "x", n: 1 });
  expect(line).not.toContain("\n");
  expect(JSON.parse(line)).toEqual({ level, event, id: "x", n: 1 });
});
