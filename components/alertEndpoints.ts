/**
 * Which SNS protocol an alert endpoint from config uses. Pure: the config schema rejects what
 * this cannot classify, and the Alerting component subscribes with what it returns.
 */
import { nonConfirmingService } from "../policies/lib/confirmingEndpoints";

export { nonConfirmingService } from "../policies/lib/confirmingEndpoints";
export type AlertProtocol = "email" | "https";

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export type Severity = (typeof SEVERITIES)[number];

// Deliberately simple: one @, a dot in the domain, no spaces, slashes or colons (which would make
// "https://user:pw@host/x" look like an address). SNS itself sends a confirmation mail.
const EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/;

/** "email" or "https" for a valid endpoint, undefined for anything else (http:// included). */
export function alertProtocol(endpoint: string): AlertProtocol | undefined {
  if (EMAIL.test(endpoint)) return "email";
  if (!endpoint.startsWith("https://")) return undefined;
  try {
    const url = new URL(endpoint);
    // Credentials in a webhook URL would end up in plain stack state.
    if (url.protocol !== "https:" || url.hostname === "" || url.username !== "" || url.password !== "")
      return undefined;
    return "https";
  } catch {
    return undefined;
  }
}

/**
 * A short, stable suffix for a subscription's logical name: the endpoint itself would leak into
 * URNs and change with every typo fix, a list index would renumber when entries are removed.
 */
export function endpointKey(endpoint: string): string {
  let hash = 0x811c9dc5;
  for (const char of endpoint.toLowerCase()) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

export interface AlertSubscriptionPlan {
  readonly severity: Severity;
  readonly endpoint: string;
  readonly protocol: AlertProtocol;
  /** Logical-name suffix, stable per endpoint (not per list position). */
  readonly key: string;
}

/** The subscriptions to create; throws on an endpoint that is neither email nor https. Pure. */
export function planSubscriptions(endpoints: Readonly<Record<Severity, readonly string[]>>): AlertSubscriptionPlan[] {
  return SEVERITIES.flatMap((severity) =>
    (endpoints[severity] ?? []).map((endpoint) => {
      const protocol = alertProtocol(endpoint);
      if (protocol === undefined)
        throw new Error(
          `alerts.${severity}: "${endpoint}" is neither an email address nor an https:// URL; fix bloom-dr:alerts`,
        );
      const chat = nonConfirmingService(endpoint);
      if (chat !== undefined)
        throw new Error(
          `alerts.${severity}: "${endpoint}" is ${chat}, which cannot confirm an SNS subscription; use an email, a paging service's SNS endpoint or AWS Chatbot`,
        );
      return { severity, endpoint, protocol, key: endpointKey(endpoint) };
    }),
  );
}
