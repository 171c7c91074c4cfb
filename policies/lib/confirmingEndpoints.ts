/**
 * HTTPS endpoints that can never confirm an SNS subscription. SNS delivers nothing to an https
 * endpoint until it confirms (visits the SubscribeURL of the first message); chat incoming
 * webhooks accept a fixed message format and never do, so a subscription to one stays
 * "pending confirmation" and pages nobody. Pure: shared by the config check (which refuses them)
 * and the policy pack (which does not count them as a SEV-1 subscriber).
 */
const NON_CONFIRMING: ReadonlyArray<{ service: string; matches: (url: URL) => boolean }> = [
  { service: "a Slack incoming webhook", matches: (url) => url.hostname === "hooks.slack.com" },
  {
    service: "a Microsoft Teams incoming webhook",
    matches: (url) =>
      url.hostname.endsWith(".webhook.office.com") ||
      (url.hostname === "outlook.office.com" && url.pathname.startsWith("/webhook")),
  },
  {
    service: "a Discord webhook",
    matches: (url) =>
      ["discord.com", "discordapp.com"].includes(url.hostname) && url.pathname.startsWith("/api/webhooks"),
  },
  { service: "a Google Chat webhook", matches: (url) => url.hostname === "chat.googleapis.com" },
];

/** Which chat webhook an endpoint is, or undefined (emails, other URLs, malformed text). */
export function nonConfirmingService(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  return NON_CONFIRMING.find((candidate) => candidate.matches(url))?.service;
}

export const CONFIRMING_ENDPOINTS_RULE =
  "cannot confirm an SNS subscription (Slack, Microsoft Teams, Discord and Google Chat webhooks never do, so nobody would be paged): use an email address, an HTTPS endpoint that confirms subscriptions (e.g. a PagerDuty or Opsgenie SNS integration), or AWS Chatbot for chat";
