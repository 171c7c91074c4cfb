import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import { SEVERITY_TAG, SNS_SUBSCRIPTION_TYPES, SNS_TOPIC_TYPES } from "../lib/resourceTypes";
import { knownValue, ofTypes, resourcesReferring } from "../lib/links";
import { nonConfirmingService } from "../lib/confirmingEndpoints";

/** "SEV-1", "sev1", "Sev_1" → "sev1". */
function normaliseSeverity(value: unknown): string | undefined {
  return typeof value === "string" ? value.toLowerCase().replace(/[^a-z0-9]/g, "") : undefined;
}

/** A topic serves SEV-1 when tagged bloom-dr:severity=SEV-1, or when its logical name says sev1. */
export function isSev1Topic(topic: PolicyResource): boolean {
  if (normaliseSeverity(topic.props.tags?.[SEVERITY_TAG]) === "sev1") return true;
  return /(^|[^a-z0-9])sev-?1($|[^a-z0-9])/i.test(topic.name);
}

/** A subscription that can be confirmed: anything but a chat webhook (which never confirms). */
function canConfirm(subscription: PolicyResource): boolean {
  const endpoint = knownValue(subscription.props, "endpoint");
  return typeof endpoint !== "string" || nonConfirmingService(endpoint) === undefined;
}

/** The escalation matrix: a SEV-1 page must reach a person within 15 minutes. */
export const sev1TopicHasSubscription: BloomStackRule = {
  name: "sev1-topic-has-subscription",
  description: `The stack must have a SEV-1 SNS topic (tagged ${SEVERITY_TAG}=SEV-1 or named *-sev1) with at least one subscription that can be confirmed (a chat incoming webhook such as Slack's never confirms and does not count).`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Add at least one email address or HTTPS endpoint that confirms SNS subscriptions (a paging service's SNS integration such as PagerDuty or Opsgenie) to bloom-dr:alerts.sev1 (the on-call rotation, per the playbook's escalation matrix), then `pulumi up`.",
  validateStack: (args, reportViolation) => {
    const topics = ofTypes(args.resources, SNS_TOPIC_TYPES).filter(isSev1Topic);
    if (topics.length === 0) {
      reportViolation(
        `the stack has no SEV-1 SNS topic (tag ${SEVERITY_TAG}=SEV-1): nobody would be paged for an outage`,
      );
      return;
    }
    for (const topic of topics) {
      const subscriptions = resourcesReferring(args.resources, SNS_SUBSCRIPTION_TYPES, "topic", topic, ["arn", "id"]);
      if (subscriptions.length === 0) {
        reportViolation(`SEV-1 topic ${topic.name} has no subscription: a SEV-1 alarm would page nobody`, topic.urn);
      } else if (!subscriptions.some(canConfirm)) {
        reportViolation(
          `SEV-1 topic ${topic.name} has only chat webhook subscriptions, which never confirm: a SEV-1 alarm would page nobody`,
          topic.urn,
        );
      }
    }
  },
};
