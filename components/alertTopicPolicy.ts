/**
 * The resource policy of an alert topic. Pure. Replacing SNS's default policy means restating
 * what it allowed (the owning account manages the topic) plus what alerts need (CloudWatch alarms
 * of this account publish), and adding what the default lacks: no publishing without TLS.
 */
import { PolicyDocument, policyDocument } from "./policyDocument";

const OWNER_ACTIONS = [
  "sns:GetTopicAttributes",
  "sns:SetTopicAttributes",
  "sns:AddPermission",
  "sns:RemovePermission",
  "sns:DeleteTopic",
  "sns:Subscribe",
  "sns:ListSubscriptionsByTopic",
  "sns:Publish",
];

export function alertTopicPolicy(topicArn: string, accountId: string): PolicyDocument {
  if (!/^\d{12}$/.test(accountId))
    throw new Error(`alert topic policy needs a 12-digit AWS account id (got "${accountId}")`);
  return policyDocument(
    {
      Sid: "OwnerAccountManagesTopic",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: OWNER_ACTIONS,
      Resource: topicArn,
      Condition: { StringEquals: { "AWS:SourceOwner": accountId } },
    },
    {
      Sid: "CloudWatchAlarmsOfThisAccountPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
    {
      Sid: "DenyPublishWithoutTls",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}
