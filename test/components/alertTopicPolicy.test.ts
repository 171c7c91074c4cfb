import { alertTopicPolicy } from "../../components/alertTopicPolicy";

const ARN = "arn:aws:sns:us-east-1:123456789012:bloom-sev1";

test("allows the owner account and its CloudWatch alarms, denies publishing without TLS", () => {
  const policy = alertTopicPolicy(ARN, "123456789012");
  expect(policy.Version).toBe("2012-10-17");
  expect(policy.Statement.map((s) => [s.Sid, s.Effect])).toEqual([
    ["OwnerAccountManagesTopic", "Allow"],
    ["CloudWatchAlarmsOfThisAccountPublish", "Allow"],
    ["DenyPublishWithoutTls", "Deny"],
  ]);
  for (const statement of policy.Statement) expect(statement.Resource).toBe(ARN);
  expect(policy.Statement[0].Condition).toEqual({ StringEquals: { "AWS:SourceOwner": "123456789012" } });
  expect(policy.Statement[1]).toMatchObject({
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: "sns:Publish",
    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
  });
  expect(policy.Statement[2]).toMatchObject({
    Principal: "*",
    Action: "sns:Publish",
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
});

test("no statement allows everyone without an account condition", () => {
  const policy = alertTopicPolicy(ARN, "123456789012");
  for (const statement of policy.Statement.filter((s) => s.Effect === "Allow"))
    expect(statement.Condition).toBeDefined();
});

test.each(["", "12345", "abcdefghijkl"])("a bad account id %j is refused", (account) => {
  expect(() => alertTopicPolicy(ARN, account)).toThrow(
    `alert topic policy needs a 12-digit AWS account id (got "${account}")`,
  );
});
