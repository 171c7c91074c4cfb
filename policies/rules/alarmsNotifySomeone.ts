import { BloomResourceRule, forTypes } from "../lib/rule";
import { METRIC_ALARM_TYPES } from "../lib/resourceTypes";

/** Advisory: an alarm with no action is a graph nobody looks at. */
export const alarmsNotifySomeone: BloomResourceRule = {
  name: "alarms-notify-a-topic",
  description:
    "Every CloudWatch MetricAlarm should notify at least one action (an SNS topic of the escalation matrix) when it fires.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set alarmActions: [<the SNS topic arn for the alarm's severity>] (DumpJob and FailoverDatabase use the SEV-2 topic).",
  validateResource: forTypes(METRIC_ALARM_TYPES, (props, _args, reportViolation) => {
    const actions: unknown[] = props.alarmActions ?? [];
    if (actions.length === 0) reportViolation("alarmActions is empty: nobody is notified when this alarm fires");
  }),
};
