/**
 * Where incidents are announced, kept in contacts.json beside the roles: the SNS topic of each
 * severity (the prod stack's sev1TopicArn … sev4TopicArn outputs) and the store the status page is
 * written to, e.g.
 *   {"On-call DevOps": "+52 55 1234 5678 (PagerDuty)",
 *    "topics": {"sev1": "arn:aws:sns:us-east-2:123456789012:alerts-sev1-1a2b3c", "sev2": "…"},
 *    "statusStore": "s3://bloom-status/current"}
 */
import { readFileSync } from "node:fs";
import { parseContactsObject } from "./contacts";
import { parseSeverity, Severity } from "./severity";

export interface IncidentSettings {
  topics: Partial<Record<Severity, string>>;
  statusStore?: string;
}

export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const ARN_EXAMPLE = "arn:aws:sns:us-east-2:123456789012:alerts-sev1";

/** A one-line problem with an SNS topic ARN, or undefined. */
export function topicArnProblem(arn: string, what: string): string | undefined {
  return SNS_TOPIC_ARN.test(arn)
    ? undefined
    : `${what} must be an SNS topic ARN like ${ARN_EXAMPLE} (got "${arn}"): the prod stack's sevNTopicArn output`;
}

export function parseIncidentSettings(text: string, source: string): IncidentSettings {
  const data = parseContactsObject(text, source);
  const settings: IncidentSettings = { topics: {} };
  const topics = data.topics;
  if (topics !== undefined) {
    if (!topics || typeof topics !== "object" || Array.isArray(topics))
      throw new Error(
        `${source}: "topics" must be an object of severity → SNS topic ARN, e.g. {"sev1": "${ARN_EXAMPLE}"}`,
      );
    for (const [key, arn] of Object.entries(topics)) {
      let severity: Severity;
      try {
        severity = parseSeverity(key);
      } catch {
        throw new Error(`${source}: "topics" has "${key}", not a severity: use sev1, sev2, sev3 or sev4`);
      }
      const problem = typeof arn === "string" ? topicArnProblem(arn, `${source}: topics.${key}`) : "";
      if (problem !== undefined)
        throw new Error(problem || `${source}: topics.${key} must be an SNS topic ARN string like ${ARN_EXAMPLE}`);
      settings.topics[severity] = arn as string;
    }
  }
  const store = data.statusStore;
  if (store !== undefined) {
    if (typeof store !== "string" || !store.trim())
      throw new Error(`${source}: "statusStore" must be a store such as s3://bucket/status or a directory path`);
    settings.statusStore = store.trim();
  }
  return settings;
}

/** contacts.json's topics and status store; a missing file means none. */
export function loadIncidentSettings(file: string): IncidentSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { topics: {} };
    throw new Error(`cannot read ${file} (${code ?? (err as Error).message}): make it a readable file or remove it`);
  }
  return parseIncidentSettings(text, file);
}
