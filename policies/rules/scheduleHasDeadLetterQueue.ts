import { BloomResourceRule, forTypes } from "../lib/rule";
import { SCHEDULE_TYPES } from "../lib/resourceTypes";

/** Without a DLQ a backup run that Scheduler could not deliver disappears without a trace. */
export const scheduleHasDeadLetterQueue: BloomResourceRule = {
  name: "schedule-has-dead-letter-queue",
  description:
    "Every EventBridge Scheduler schedule (backup and restore jobs) must send undeliverable invocations to a dead-letter queue (target.deadLetterConfig.arn).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Create an aws.sqs.Queue and set target.deadLetterConfig: { arn: queue.arn } on the schedule; the scheduler role needs sqs:SendMessage on it.",
  validateResource: forTypes(SCHEDULE_TYPES, (props, _args, reportViolation) => {
    const arn = props.target?.deadLetterConfig?.arn;
    if (typeof arn !== "string" || arn.length === 0) {
      reportViolation("target.deadLetterConfig.arn is not set: failed invocations would be dropped silently");
    }
  }),
};
