/**
 * The checklist items a Pulumi stack answers: the app's DATABASE_URL in Secrets Manager, a
 * confirmed SEV-1 subscription ("PagerDuty integrado"), the health probe and the maintenance
 * parameter (the restore test's metric, from the dr stack, is restoreTestMetric.ts). The outputs
 * come through StackOutputsLoader (the Automation API lives in automation/, never imported by runtime/).
 */
import { parseConnectionUrl } from "../postgres/connectionUrl";
import { StackOutputs } from "../platform/stackDriver";
import { ReadinessAws } from "./aws";
import { item, ReadinessItem } from "./types";

/** Reads a stack's outputs (the CLI passes the Pulumi Automation API one; tests a fake). */
export type StackOutputsLoader = (stackName: string, workDir: string) => Promise<StackOutputs>;

export type StackInput = { name: string; outputs: StackOutputs } | { name: string; error: string };

const TITLES = {
  "stack.databaseUrlSecret": "DATABASE_URL in Secrets Manager",
  "stack.sev1Subscription": "SEV-1 alerts reach someone (a confirmed subscription)",
  "stack.healthProbe": "health probe exists",
  "stack.maintenanceParameter": "maintenance-mode parameter exists",
} as const;
type StackItemId = keyof typeof TITLES;

/** A non-empty string output, else undefined. */
export function output(outputs: StackOutputs, key: string): string | undefined {
  const value = outputs[key]?.value;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A secret's text as a PostgreSQL URL: plain, or JSON with a url / DATABASE_URL field. Never echoed. */
export function urlInSecret(text: string): string | undefined {
  const trimmed = text.trim();
  let candidate = trimmed;
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as { url?: unknown; DATABASE_URL?: unknown };
      candidate = String(json.url ?? json.DATABASE_URL ?? "");
    } catch {
      return undefined;
    }
  }
  try {
    parseConnectionUrl(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

export async function checkStack(stack: StackInput | undefined, aws: ReadinessAws): Promise<ReadinessItem[]> {
  const ids = Object.keys(TITLES) as StackItemId[];
  if (!stack)
    return ids.map((id) =>
      item(
        id,
        TITLES[id],
        "NOT CHECKED",
        "no --stack given: name the Pulumi stack (the prod stack answers all of these)",
      ),
    );
  if ("error" in stack)
    return ids.map((id) =>
      item(id, TITLES[id], "FAIL", `cannot read the outputs of stack ${stack.name}: ${stack.error}`),
    );
  const { name, outputs } = stack;
  const missing = (id: StackItemId, key: string, why: string) =>
    item(id, TITLES[id], "NOT CHECKED", `stack ${name} has no output ${key} (${why})`);

  const secretArn = output(outputs, "appDatabaseUrlSecretArn");
  let secret: ReadinessItem;
  if (!secretArn) secret = missing("stack.databaseUrlSecret", "appDatabaseUrlSecretArn", "a prod stack output");
  else {
    try {
      const url = urlInSecret(await aws.readSecret(secretArn));
      if (!url)
        secret = item(
          "stack.databaseUrlSecret",
          TITLES["stack.databaseUrlSecret"],
          "FAIL",
          `secret ${secretArn} does not hold a postgresql:// URL`,
        );
      else {
        const parts = parseConnectionUrl(url);
        secret = item(
          "stack.databaseUrlSecret",
          TITLES["stack.databaseUrlSecret"],
          "PASS",
          `secret ${secretArn} holds a postgresql:// URL for ${parts.host}/${parts.database} (user ${parts.user})`,
        );
      }
    } catch (err) {
      secret = item("stack.databaseUrlSecret", TITLES["stack.databaseUrlSecret"], "FAIL", (err as Error).message);
    }
  }

  const topicArn = output(outputs, "sev1TopicArn");
  let sev1: ReadinessItem;
  if (!topicArn) sev1 = missing("stack.sev1Subscription", "sev1TopicArn", "the alerting component is not deployed");
  else {
    try {
      const subs = await aws.listSubscriptions(topicArn);
      const confirmed = subs.filter((s) => s.subscriptionArn.startsWith("arn:"));
      const pending = subs.filter((s) => s.subscriptionArn === "PendingConfirmation");
      const protocols = (list: typeof subs) => [...new Set(list.map((s) => s.protocol))].sort().join(", ");
      const pendingNote = pending.length > 0 ? `; ${pending.length} pending confirmation (${protocols(pending)})` : "";
      sev1 =
        confirmed.length > 0
          ? item(
              "stack.sev1Subscription",
              TITLES["stack.sev1Subscription"],
              "PASS",
              `${topicArn}: ${confirmed.length} confirmed subscription(s) (${protocols(confirmed)})${pendingNote}`,
            )
          : item(
              "stack.sev1Subscription",
              TITLES["stack.sev1Subscription"],
              "FAIL",
              pending.length > 0
                ? `${topicArn}: no confirmed subscription${pendingNote}: the recipient must follow the link in AWS's confirmation message`
                : `${topicArn}: no subscription: add an e-mail address or https endpoint to bloom-dr:alerts.sev1 and pulumi up`,
            );
    } catch (err) {
      sev1 = item("stack.sev1Subscription", TITLES["stack.sev1Subscription"], "FAIL", (err as Error).message);
    }
  }

  const declared = (id: StackItemId, key: string, what: string) => {
    const value = output(outputs, key);
    return value
      ? item(
          id,
          TITLES[id],
          "PASS",
          `${what} ${value} (stack ${name}'s ${key} output; the resource itself is not queried)`,
        )
      : missing(id, key, "this stack does not declare it");
  };

  return [
    secret,
    sev1,
    declared("stack.healthProbe", "healthProbeFunctionName", "function"),
    declared("stack.maintenanceParameter", "maintenanceParameterName", "parameter"),
  ];
}
