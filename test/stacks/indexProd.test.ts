/** index.ts under mocks with the shipped prod config: it selects the prod builder and exports its outputs. */
import { setupPulumiMocks, valueOf, isSecretOutput } from "../support/pulumiMocks";
import { runIndex } from "./runIndex";
import { shippedConfig } from "./shippedConfig";

test("index.ts exports the prod outputs (connection URIs as secrets)", async () => {
  const mocks = await setupPulumiMocks({ stack: "prod", config: shippedConfig("prod") });
  const program = await runIndex();
  await mocks.settle(program.pooledConnectionUri, program.appDatabaseUrlSecretArn);
  expect(program.role).toBe("prod");
  for (const key of [
    "neonProjectId",
    "neonDefaultBranchId",
    "neonPrimaryBranchId",
    "vaultBucketName",
    "vaultBucketArn",
    "vaultKeyArn",
    "backupPrefix",
    "appDatabaseUrlSecretArn",
    "sev1TopicArn",
  ]) {
    expect(program[key]).toBeDefined();
  }
  expect(await isSecretOutput(program.directConnectionUri)).toBe(true);
  expect(await isSecretOutput(program.pooledConnectionUri)).toBe(true);
  expect(await valueOf(program.neonDefaultBranchId)).toBe("br-primary-project-default");
  expect(await valueOf(program.backupPrefix)).toBe("production/");
  expect(mocks.ofType("bloom-dr:dr:FailoverDatabase")).toHaveLength(0);
});
