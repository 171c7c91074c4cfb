import { BloomResourceRule, forTypes } from "../lib/rule";
import { SCHEDULE_TYPES } from "../lib/resourceTypes";

/** Advisory: a transient throttle should be retried before the staleness alarm pages anyone. */
export const scheduleHasRetryPolicy: BloomResourceRule = {
  name: "schedule-has-retry-policy",
  description:
    "Schedules should retry a failed invocation at least once (target.retryPolicy.maximumRetryAttempts ≥ 1).",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Set target.retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } (or similar) on the schedule.",
  validateResource: forTypes(SCHEDULE_TYPES, (props, _args, reportViolation) => {
    const attempts = props.target?.retryPolicy?.maximumRetryAttempts;
    if (typeof attempts !== "number" || attempts < 1) {
      reportViolation(`target.retryPolicy.maximumRetryAttempts is ${JSON.stringify(attempts)}; retry at least once`);
    }
  }),
};
