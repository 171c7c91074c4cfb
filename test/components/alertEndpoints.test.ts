import { alertProtocol, endpointKey, nonConfirmingService, planSubscriptions } from "../../components/alertEndpoints";

test.each([
  ["oncall@bloom.example", "email"],
  ["first.last+dr@sub.bloom.example", "email"],
  ["https://events.pagerduty.com/integration/abc/enqueue", "https"],
  ["https://hooks.slack.com/services/T000/B000/XXXX", "https"],
  ["https://hooks.example:8443/path?q=1", "https"],
  ["http://hooks.example/insecure", undefined],
  ["https://user:pw@hooks.example/x", undefined],
  ["https://", undefined],
  ["ftp://hooks.example", undefined],
  ["oncall@localhost", undefined],
  ["on call@bloom.example", undefined],
  ["", undefined],
  ["+15551234567", undefined],
])("alertProtocol(%j) is %j", (endpoint, protocol) => {
  expect(alertProtocol(endpoint)).toBe(protocol);
});

test("endpointKey is stable, 8 hex digits, case-insensitive and distinct per endpoint", () => {
  expect(endpointKey("oncall@bloom.example")).toMatch(/^[0-9a-f]{8}$/);
  expect(endpointKey("oncall@bloom.example")).toBe(endpointKey("OnCall@Bloom.example"));
  const endpoints = [
    "a@b.example",
    "b@b.example",
    "https://x.example/1",
    "https://x.example/2",
    "oncall@bloom.example",
  ];
  expect(new Set(endpoints.map(endpointKey)).size).toBe(endpoints.length);
});

describe("planSubscriptions", () => {
  test("one subscription per endpoint and severity, protocol inferred, keyed by endpoint", () => {
    const plan = planSubscriptions({
      sev1: ["oncall@bloom.example", "https://events.pagerduty.example/x"],
      sev2: ["oncall@bloom.example"],
      sev3: [],
      sev4: ["https://api.opsgenie.example/v1/json/amazonsns?apiKey=y"],
    });
    expect(plan).toEqual([
      {
        severity: "sev1",
        endpoint: "oncall@bloom.example",
        protocol: "email",
        key: endpointKey("oncall@bloom.example"),
      },
      {
        severity: "sev1",
        endpoint: "https://events.pagerduty.example/x",
        protocol: "https",
        key: endpointKey("https://events.pagerduty.example/x"),
      },
      {
        severity: "sev2",
        endpoint: "oncall@bloom.example",
        protocol: "email",
        key: endpointKey("oncall@bloom.example"),
      },
      {
        severity: "sev4",
        endpoint: "https://api.opsgenie.example/v1/json/amazonsns?apiKey=y",
        protocol: "https",
        key: endpointKey("https://api.opsgenie.example/v1/json/amazonsns?apiKey=y"),
      },
    ]);
  });

  test("a malformed endpoint is refused with its severity", () => {
    expect(() => planSubscriptions({ sev1: [], sev2: ["http://x.example"], sev3: [], sev4: [] })).toThrow(
      'alerts.sev2: "http://x.example" is neither an email address nor an https:// URL; fix bloom-dr:alerts',
    );
  });
});

describe("endpoints that can never confirm an SNS subscription", () => {
  test.each([
    ["https://hooks.slack.com/services/T000/B000/XXXX", "a Slack incoming webhook"],
    ["https://hooks.slack.com/workflows/T000/A000/1/x", "a Slack incoming webhook"],
    ["https://bloom.webhook.office.com/webhookb2/x", "a Microsoft Teams incoming webhook"],
    ["https://outlook.office.com/webhook/x", "a Microsoft Teams incoming webhook"],
    ["https://discord.com/api/webhooks/1/x", "a Discord webhook"],
    ["https://chat.googleapis.com/v1/spaces/x/messages?key=k", "a Google Chat webhook"],
    ["https://events.pagerduty.com/integration/abc/enqueue", undefined],
    ["https://api.opsgenie.com/v1/json/amazonsns?apiKey=k", undefined],
    ["https://slack.com/help", undefined],
    ["https://discord.com/channels/1", undefined],
    ["oncall@bloom.example", undefined],
    ["not a url", undefined],
  ])("%s: %s", (endpoint, service) => {
    expect(nonConfirmingService(endpoint)).toBe(service);
  });

  test("planSubscriptions refuses them, naming severity, endpoint and what to use", () => {
    expect(() =>
      planSubscriptions({ sev1: [], sev2: [], sev3: [], sev4: ["https://hooks.slack.com/services/T/B/X"] }),
    ).toThrow(
      'alerts.sev4: "https://hooks.slack.com/services/T/B/X" is a Slack incoming webhook, which cannot confirm an SNS subscription; use an email, a paging service\'s SNS endpoint or AWS Chatbot',
    );
  });
});
