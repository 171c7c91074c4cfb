/**
 * Schedule math for EventBridge Scheduler expressions: how long the gap between two runs can be,
 * and from it the period of the staleness alarm. Pure, so it is table-tested without Pulumi.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** CloudWatch rejects a period × evaluation periods longer than seven days. */
export const MAX_ALARM_PERIOD_SECONDS = 7 * DAY;

const RATE_UNITS: Record<string, number> = {
  minute: MINUTE,
  minutes: MINUTE,
  hour: HOUR,
  hours: HOUR,
  day: DAY,
  days: DAY,
};

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
// Scheduler counts days of week 1-7 from Sunday.
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS = {
  minutes: { label: "minutes", min: 0, max: 59 },
  hours: { label: "hours", min: 0, max: 23 },
  dayOfMonth: { label: "day-of-month", min: 1, max: 31 },
  month: { label: "month", min: 1, max: 12, names: MONTH_NAMES },
  dayOfWeek: { label: "day-of-week", min: 1, max: 7, names: DAY_NAMES },
} satisfies Record<string, FieldSpec>;

function fail(expression: string, reason: string): never {
  throw new Error(
    `schedule "${expression}" ${reason}; use rate(N minutes|hours|days) or cron(min hour dom month dow year)`,
  );
}

function parseValue(token: string, spec: FieldSpec, expression: string): number {
  const byName = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  const value = byName >= 0 ? byName + spec.min : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    fail(expression, `has ${spec.label} value "${token}" outside ${spec.min}-${spec.max}`);
  }
  return value;
}

/** Expands one cron field ("*", "5", "1-5", "MON-FRI", "0/15", "1,15") to the set of values. */
export function expandCronField(field: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    if (/[LW#]/.test(part)) fail(expression, `uses "${part}" in ${spec.label}, which bloom-dr cannot reason about`);
    const [rangeText, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(expression, `has step "${stepText}" in ${spec.label}`);
    let first: number;
    let last: number;
    if (rangeText === "*") {
      [first, last] = [spec.min, spec.max];
    } else if (rangeText.includes("-")) {
      const [from, to] = rangeText.split("-");
      [first, last] = [parseValue(from, spec, expression), parseValue(to, spec, expression)];
      if (first > last) fail(expression, `has descending range "${rangeText}" in ${spec.label}`);
    } else {
      first = parseValue(rangeText, spec, expression);
      last = stepText === undefined ? first : spec.max;
    }
    for (let value = first; value <= last; value += step) values.add(value);
  }
  return values;
}

function rateIntervalSeconds(body: string, expression: string): number {
  const match = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(body);
  if (!match) fail(expression, "is not rate(<number> <unit>)");
  const [, countText, unit] = match;
  const count = Number(countText);
  const unitSeconds = RATE_UNITS[unit];
  if (unitSeconds === undefined) fail(expression, `has unknown unit "${unit}"`);
  if (count < 1) fail(expression, "has a rate below 1");
  // Scheduler itself rejects "rate(1 hours)" and "rate(2 hour)": catch it before deploying.
  const singular = !unit.endsWith("s");
  if ((count === 1) !== singular) {
    fail(expression, `must say "${count} ${count === 1 ? unit.replace(/s$/, "") : `${unit}s`}"`);
  }
  return count * unitSeconds;
}

/**
 * The longest gap between two consecutive runs of a cron expression, found by walking four
 * years of calendar days (a leap year included) so month lengths and weekdays are real.
 */
function cronIntervalSeconds(body: string, expression: string): number {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) fail(expression, `has ${parts.length} fields instead of 6`);
  const [minuteField, hourField, domField, monthField, dowField, yearField] = parts;
  if (yearField !== "*") fail(expression, `pins the year "${yearField}", so it eventually stops running`);
  if ((domField === "?") === (dowField === "?")) {
    fail(expression, 'must have exactly one of day-of-month and day-of-week set to "?"');
  }
  const minutes = [...expandCronField(minuteField, FIELDS.minutes, expression)].sort((a, b) => a - b);
  const hours = [...expandCronField(hourField, FIELDS.hours, expression)].sort((a, b) => a - b);
  const months = expandCronField(monthField, FIELDS.month, expression);
  const daysOfMonth = domField === "?" ? undefined : expandCronField(domField, FIELDS.dayOfMonth, expression);
  const daysOfWeek = dowField === "?" ? undefined : expandCronField(dowField, FIELDS.dayOfWeek, expression);

  const start = Date.UTC(2024, 0, 1) / 1000;
  let previous: number | undefined;
  let longest = 0;
  for (let day = 0; day < 4 * 366; day++) {
    const midnight = start + day * DAY;
    const date = new Date(midnight * 1000);
    if (!months.has(date.getUTCMonth() + 1)) continue;
    if (daysOfMonth && !daysOfMonth.has(date.getUTCDate())) continue;
    if (daysOfWeek && !daysOfWeek.has(date.getUTCDay() + 1)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const run = midnight + hour * HOUR + minute * MINUTE;
        if (previous !== undefined) longest = Math.max(longest, run - previous);
        previous = run;
      }
    }
  }
  if (longest === 0) fail(expression, "never runs twice in four years");
  return longest;
}

/** The longest time between two runs of a Scheduler rate() or cron() expression, in seconds. */
export function scheduleIntervalSeconds(expression: string): number {
  const match = /^(rate|cron)\((.*)\)$/.exec(expression.trim());
  if (!match) fail(expression, "is neither rate(...) nor cron(...) (at(...) runs once and cannot be watched)");
  return match[1] === "rate" ? rateIntervalSeconds(match[2], expression) : cronIntervalSeconds(match[2], expression);
}

/**
 * Period of the staleness alarm: one run interval plus the grace, rounded up to whole minutes
 * (CloudWatch periods are multiples of 60 s). With evaluationPeriods 1 and missing data treated
 * as breaching, "no success within the period" is exactly "RPO exceeded".
 */
export function stalenessPeriodSeconds(expression: string, graceMinutes: number): number {
  if (!Number.isInteger(graceMinutes) || graceMinutes < 0) {
    throw new Error(`stalenessGraceMinutes must be a whole number ≥ 0 (got ${graceMinutes})`);
  }
  const period = Math.ceil((scheduleIntervalSeconds(expression) + graceMinutes * MINUTE) / MINUTE) * MINUTE;
  if (period > MAX_ALARM_PERIOD_SECONDS) {
    throw new Error(
      `schedule "${expression}" plus ${graceMinutes} grace minutes gives a ${period} s staleness window, longer than CloudWatch's ${MAX_ALARM_PERIOD_SECONDS} s; run backups at least weekly`,
    );
  }
  return period;
}
