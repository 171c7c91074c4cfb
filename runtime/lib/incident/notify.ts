/**
 * Paging through the escalation matrix: an incident event published to its severity's SNS topic
 * (the prod stack's sevNTopicArn), whose subscriptions are bloom-dr:alerts.sevN (on-call e-mail,
 * PagerDuty). AWS SDK v3; the region comes from the ARN, the endpoint from AWS_ENDPOINT_URL_SNS or
 * AWS_ENDPOINT_URL when set (tests, SNS-compatible servers), credentials from the usual chain.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { regionOf } from "../readiness/aws";

export interface Publisher {
  publish(topicArn: string, subject: string, message: string): Promise<{ messageId: string }>;
}

export function snsPublisher(env: NodeJS.ProcessEnv = process.env): Publisher {
  return {
    async publish(topicArn, subject, message) {
      const region = regionOf(topicArn);
      const endpoint = env.AWS_ENDPOINT_URL_SNS || env.AWS_ENDPOINT_URL;
      const client = new SNSClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
      try {
        const out = await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
        return { messageId: out.MessageId ?? "" };
      } catch (err) {
        const e = err as { name?: string; message?: string };
        throw new Error(
          `publishing to ${topicArn} failed: ${e.name ?? "Error"}: ${(e.message ?? "").split("\n")[0]}: check AWS credentials and sns:Publish on the topic`,
        );
      } finally {
        client.destroy();
      }
    },
  };
}
