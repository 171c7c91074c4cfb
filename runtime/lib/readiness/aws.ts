/**
 * The AWS reads of `readiness`: the SEV-1 topic's subscriptions and the app's secret (--stack),
 * the restore test's CloudWatch metric (--dr-stack).
 */
import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { readSecretString } from "../platform/awsSecrets";

export interface TopicSubscription {
  /** "PendingConfirmation" until the recipient confirms (email) or the endpoint answers (https). */
  subscriptionArn: string;
  protocol: string;
}

/** One metric's statistic over a period of `periodSeconds` (CloudWatch GetMetricData). */
export interface MetricQuery {
  /** CloudWatch metrics are regional; default: the SDK's (AWS_REGION, the profile). */
  region?: string;
  namespace: string;
  metricNames: string[];
  /** The metric's whole dimension set: CloudWatch matches it exactly. */
  dimensions: Record<string, string>;
  stat: "Sum" | "Maximum" | "Minimum" | "Average" | "SampleCount";
  periodSeconds: number;
  start: Date;
  end: Date;
}

/** A period's value; `timestamp` is the period's start. */
export interface MetricPoint {
  timestamp: Date;
  value: number;
}

export interface ReadinessAws {
  listSubscriptions(topicArn: string): Promise<TopicSubscription[]>;
  readSecret(arn: string): Promise<string>;
  /** Each metric name's datapoints, newest first (periods without data have none). */
  readMetric(query: MetricQuery): Promise<Record<string, MetricPoint[]>>;
}

export interface AwsClientSettings {
  /** Endpoints for tests or AWS-compatible servers; default: AWS's, from the region in the ARN. */
  endpoints?: { sns?: string; secretsManager?: string; cloudWatch?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The region an ARN names (arn:aws:sns:us-east-2:…), when it names one. */
export function regionOf(arn: string): string | undefined {
  return /^arn:aws[\w-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1] || undefined;
}

function base(arn: string, settings: AwsClientSettings) {
  return inRegion(regionOf(arn), settings);
}

function inRegion(region: string | undefined, settings: AwsClientSettings) {
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
      return readSecretString(client, arn);
    },
    async readMetric(query) {
      const client = new CloudWatchClient({
        ...inRegion(query.region, settings),
        ...(settings.endpoints?.cloudWatch ? { endpoint: settings.endpoints.cloudWatch } : {}),
      });
      // query ids must start with a lower-case letter; the metric names are the caller's
      const ids = query.metricNames.map((_, index) => `m${index}`);
      const queries: MetricDataQuery[] = query.metricNames.map((metricName, index) => ({
        Id: ids[index],
        MetricStat: {
          Metric: {
            Namespace: query.namespace,
            MetricName: metricName,
            Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: query.periodSeconds,
          Stat: query.stat,
        },
        ReturnData: true,
      }));
      const points = new Map<string, MetricPoint[]>(ids.map((id) => [id, []]));
      const where = `${query.namespace}/${query.metricNames.join(", ")} in ${query.region ?? "the default region"}`;
      try {
        let token: string | undefined;
        do {
          const page = await client.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries,
              StartTime: query.start,
              EndTime: query.end,
              ScanBy: "TimestampDescending",
              NextToken: token,
            }),
          );
          for (const result of page.MetricDataResults ?? []) {
            if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError")
              throw new Error(
                `${result.StatusCode}${(result.Messages ?? []).map((m) => `: ${m.Value ?? m.Code}`).join("")}`,
              );
            const values = result.Values ?? [];
            const list = points.get(result.Id ?? "");
            if (!list) continue;
            (result.Timestamps ?? []).forEach((timestamp, i) => {
              if (timestamp instanceof Date && typeof values[i] === "number")
                list.push({ timestamp, value: values[i] });
            });
          }
          token = page.NextToken || undefined;
        } while (token);
      } catch (err) {
        throw new Error(
          `cannot read ${where}: ${(err as Error).message}: check AWS credentials and cloudwatch:GetMetricData`,
        );
      } finally {
        client.destroy();
      }
      return Object.fromEntries(
        query.metricNames.map((metricName, index) => [
          metricName,
          points.get(ids[index])!.sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime()),
        ]),
      );
    },
  };
}
