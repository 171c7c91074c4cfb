/** The two AWS reads of `readiness --stack`: the SEV-1 topic's subscriptions and the app's secret. */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";

export interface TopicSubscription {
  /** "PendingConfirmation" until the recipient confirms (email) or the endpoint answers (https). */
  subscriptionArn: string;
  protocol: string;
}

export interface ReadinessAws {
  listSubscriptions(topicArn: string): Promise<TopicSubscription[]>;
  readSecret(arn: string): Promise<string>;
}

export interface AwsClientSettings {
  /** Endpoints for tests or AWS-compatible servers; default: AWS's, from the region in the ARN. */
  endpoints?: { sns?: string; secretsManager?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The region an ARN names (arn:aws:sns:us-east-2:…), when it names one. */
export function regionOf(arn: string): string | undefined {
  return /^arn:aws[\w-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1] || undefined;
}

function base(arn: string, settings: AwsClientSettings) {
  const region = regionOf(arn);
  return {
    ...(region ? { region } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
}

export function awsReadinessClients(settings: AwsClientSettings = {}): ReadinessAws {
  return {
    async listSubscriptions(topicArn) {
      const client = new SNSClient({
        ...base(topicArn, settings),
        ...(settings.endpoints?.sns ? { endpoint: settings.endpoints.sns } : {}),
      });
      const out: TopicSubscription[] = [];
      try {
        let token: string | undefined;
        do {
          const page = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
          for (const s of page.Subscriptions ?? [])
            out.push({ subscriptionArn: s.SubscriptionArn ?? "", protocol: s.Protocol ?? "" });
          token = page.NextToken || undefined;
        } while (token);
      } catch (err) {
        throw new Error(
          `cannot list the subscriptions of ${topicArn}: ${(err as Error).message}: check AWS credentials and sns:ListSubscriptionsByTopic on it`,
        );
      } finally {
        client.destroy();
      }
      return out;
    },
    async readSecret(arn) {
      const client = new SecretsManagerClient({
        ...base(arn, settings),
        ...(settings.endpoints?.secretsManager ? { endpoint: settings.endpoints.secretsManager } : {}),
      });
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
        if (!out.SecretString) throw new Error("it has no string value");
        return out.SecretString;
      } catch (err) {
        throw new Error(
          `cannot read secret ${arn}: ${(err as Error).message}: check AWS credentials and secretsmanager:GetSecretValue on it`,
        );
      } finally {
        client.destroy();
      }
    },
  };
}
