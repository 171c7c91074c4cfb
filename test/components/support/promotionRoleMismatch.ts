/**
 * Runs FailoverDatabase (active) under mocks in a process of its own, with a promotion function
 * that answers for another app role than the one configured, and prints what happened as JSON:
 * the program's failures (Pulumi reports a failed apply as unhandled rejections, which jest would
 * take for the test's own errors) and the resources that were registered anyway.
 * Usage: tsx test/components/support/promotionRoleMismatch.ts
 */
import { MOCK_PROMOTION_RESULT } from "../../../scripts/plan/mockProviders";
import { setupPulumiMocks } from "../../support/pulumiMocks";

const failures: string[] = [];
process.on("unhandledRejection", (reason) => failures.push(String((reason as Error)?.message ?? reason)));

async function main() {
  const mocks = await setupPulumiMocks({
    stack: "dr",
    state: ({ type }) =>
      type === "aws:lambda/invocation:Invocation"
        ? { result: JSON.stringify({ ...MOCK_PROMOTION_RESULT, path: "already-serving", appRole: "old_app" }) }
        : undefined,
  });
  const { FailoverDatabase } = await import("../../../components/failoverDatabase");
  const db = new FailoverDatabase("failover", {
    mode: "active",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 50,
    engineVersion: "17",
    backupRetentionDays: 7,
    restoreSchedule: "cron(0 5 * * ? *)",
    vpcId: "vpc-app",
    subnetIds: ["subnet-app-1", "subnet-app-2"],
    appCidrs: ["10.0.0.0/16"],
    vaultBucketName: "prod-vault",
    vaultBucketArn: "arn:aws:s3:::prod-vault",
    vaultKeyArn: "arn:aws:kms:us-east-1:123456789012:key/vault",
    backupPrefix: "production/",
    appDatabaseUrlSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-db-url",
    alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:sev2",
    app: { healthUrl: "https://app.example.com/api/health" },
  });
  await mocks.settle(db.address, db.promoteFunctionName);
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(
    JSON.stringify({
      failures: [...new Set(failures)],
      registered: mocks.customResources().map((resource) => `${resource.type}::${resource.name}`),
    }),
  );
}

main().catch((error: Error) => {
  process.stdout.write(JSON.stringify({ crashed: error.message }));
  process.exitCode = 1;
});
