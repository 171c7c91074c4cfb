/**
 * Whether a branch timestamp can be recovered: not in the future, not before the start of the
 * history (local: the base backup; Neon: now minus the project's history retention). Pure, so
 * that both platforms share the same messages and the rules are table-tested.
 */
export interface HistoryWindow {
  /** Earliest recoverable instant. */
  start: Date;
  /** Latest recoverable instant (normally now). */
  end: Date;
  /** Where the start comes from, for the message ("the base backup", "the 24 h history window"). */
  startsAt: string;
}

/** A one-line reason why `at` cannot be branched from, or undefined when it can. */
export function branchTimeProblem(at: Date, window: HistoryWindow): string | undefined {
  if (Number.isNaN(at.getTime()))
    return "branch time is not a valid date: give an ISO-8601 UTC time such as 2025-01-15T10:30:00Z";
  const iso = at.toISOString();
  if (at.getTime() > window.end.getTime()) {
    return `branch time ${iso} is in the future (now ${window.end.toISOString()}): pick a time in the past`;
  }
  if (at.getTime() < window.start.getTime()) {
    return `branch time ${iso} is before ${window.startsAt} (${window.start.toISOString()}): pick a time between ${window.start.toISOString()} and ${window.end.toISOString()}`;
  }
  return undefined;
}

export function assertBranchTime(at: Date, window: HistoryWindow): void {
  const problem = branchTimeProblem(at, window);
  if (problem) throw new Error(problem);
}
