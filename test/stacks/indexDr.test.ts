/** index.ts under mocks with the shipped dr config: it selects the dr builder and exports its outputs. */
import { setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { runIndex } from "./runIndex";
import { shippedConfig } from "./shippedConfig";

test("index.ts exports the dr outputs", async () => {
  const config = shippedConfig("dr");
  const mocks = await setupPulumiMocks({
    stack: "dr",
    config,
    stackReferences: {
      [config["bloom-dr:primaryStack"] as string]: {
        vaultBucketName: "vault",
        vaultBucketArn: "arn:aws:s3:::vault",
        vaultKeyArn: "arn:aws:kms:us-east-2:123456789012:key/k",
        backupPrefix: "production/",
        appDatabaseUrlSecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-AbCdEf",
      },
    },
  });
  const program = await runIndex();
  await mocks.settle(program.sev1TopicArn, program.restoreSourceBucketName);
  expect(program.role).toBe("dr");
  expect(program.failoverMode).toBe("standby");
  expect(await valueOf(program.restoreSourceBucketName)).toBe("vault");
  expect(mocks.ofType("neon:index/project:Project")).toHaveLength(0);
  expect(mocks.one("bloom-dr:dr:FailoverDatabase").name).toBe("failover");
});
