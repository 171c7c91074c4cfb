/**
 * The offline plan over the shipped dr config, with each failover mode, and an insecure
 * variant: the prod stack's outputs come from the mocked StackReference.
 */
import { rulesViolated, runPlanJson, typesOf, variantConfig, writeTemp } from "./support/runPlanCli";

const RDS = "aws:rds/instance:Instance";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

describe("npm run plan -- --stack dr", () => {
  test("the shipped config passes with zero violations", async () => {
    const { code, plan } = await runPlanJson(["--stack", "dr"]);
    expect(plan.violations).toEqual([]);
    expect(code).toBe(0);
    // The shipped `primaryStack: prod` is completed with the running stack's organization and
    // project: a local backend's organization here, the owning organization on Pulumi Cloud.
    expect(typesOf(plan, "pulumi:pulumi:StackReference").map((r) => r.name)).toEqual(["organization/bloom-dr/prod"]);
    expect(plan.outputs.primaryStack).toBe("organization/bloom-dr/prod");
    expect(plan.outputs.failoverMode).toBe("standby");
    // The shipped prod config replicates its vault into the dr region: restores use the replica.
    expect(plan.outputs.restoresFromReplica).toBe(true);
  });

  test.each([
    ["off", { instances: 0, protect: [], deletionProtection: [], restoreJobs: 0, appSecretWrites: 0 }],
    ["standby", { instances: 1, protect: [false], deletionProtection: [false], restoreJobs: 1, appSecretWrites: 0 }],
    ["active", { instances: 1, protect: [true], deletionProtection: [true], restoreJobs: 1, appSecretWrites: 1 }],
  ])("failover mode %s passes with zero mandatory violations", async (mode, expected) => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = mode;
    });
    const { code, plan } = await runPlanJson(["--stack", "dr", "--config", config]);
    expect(rulesViolated(plan)).toEqual([]);
    expect(code).toBe(0);
    expect(plan.outputs.failoverMode).toBe(mode);
    const instances = typesOf(plan, RDS);
    expect({
      instances: instances.length,
      protect: instances.map((i) => i.protect === true),
      deletionProtection: instances.map((i) => i.inputs.deletionProtection === true),
      restoreJobs: typesOf(plan, "aws:lambda/function:Function").length,
      appSecretWrites: typesOf(plan, SECRET_VERSION).length,
    }).toEqual(expected);
    // The key the final snapshot is encrypted with outlives the instance.
    expect(typesOf(plan, "aws:kms/key:Key").map((k) => [k.name, k.retainOnDelete === true])).toEqual(
      instances.length > 0 ? [["failover-key", true]] : [],
    );
    for (const instance of instances) {
      expect(instance.inputs).toMatchObject({
        publiclyAccessible: false,
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        skipFinalSnapshot: false,
      });
    }
  });

  test("an active failover drill keeps the instance protected and never writes the app secret", async () => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = "active";
      c["bloom-dr:drill"] = { scenario: "failover" };
    });
    const { code, plan } = await runPlanJson(["--stack", "dr", "--config", config]);
    expect([code, plan.violations]).toEqual([0, []]);
    expect(typesOf(plan, SECRET_VERSION)).toEqual([]);
    expect(typesOf(plan, RDS).map((i) => [i.protect, i.inputs.deletionProtection])).toEqual([[true, true]]);
    expect(plan.outputs.appSecretSwitched).toBe(false);
  });

  test("an insecure variant fails with the expected rules", async () => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = "standby";
      c["bloom-dr:alerts"].sev1 = [];
    });
    const policy = writeTemp(
      "policy.json",
      JSON.stringify({ "rds-backup-retention-minimum": { minBackupRetentionDays: 14 } }),
    );
    const { code, plan } = await runPlanJson(["--stack", "dr", "--config", config, "--policy-config", policy]);
    expect(code).toBe(1);
    expect(rulesViolated(plan)).toEqual(["rds-backup-retention-minimum", "sev1-topic-has-subscription"]);
    expect(plan.violations).toContainEqual(
      expect.objectContaining({
        rule: "rds-backup-retention-minimum",
        resourceType: RDS,
        resourceName: "failover-db",
        message: "backupRetentionPeriod is 7; it must be at least 14 days",
      }),
    );
  });
});
