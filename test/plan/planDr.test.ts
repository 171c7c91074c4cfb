/**
 * The offline plan over the shipped dr config, with each failover mode, and an insecure
 * variant: the prod stack's outputs come from the mocked StackReference.
 */
import { rulesViolated, runPlanCli, runPlanJson, typesOf, variantConfig, writeTemp } from "./support/runPlanCli";

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
    ["off", { instances: 0, protect: [], deletionProtection: [], functions: 0, promotions: 0, appSecretWrites: 0 }],
    [
      "standby",
      { instances: 1, protect: [false], deletionProtection: [false], functions: 1, promotions: 0, appSecretWrites: 0 },
    ],
    [
      "active",
      { instances: 1, protect: [true], deletionProtection: [true], functions: 2, promotions: 1, appSecretWrites: 1 },
    ],
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
      functions: typesOf(plan, "aws:lambda/function:Function").length,
      promotions: typesOf(plan, "aws:lambda/invocation:Invocation").length,
      // the app's DATABASE_URL (the app password's own value is not an app secret write)
      appSecretWrites: typesOf(plan, SECRET_VERSION).filter((v) => v.name === "failover-app-database-url").length,
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

  test("active: the promotion result is a stack output and the app's URL is written after it", async () => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = "active";
    });
    const { plan } = await runPlanJson(["--stack", "dr", "--config", config]);
    expect(plan.outputs.failoverPromotion).toEqual({
      path: "restored",
      backupId: "20260310T020000Z-offline",
      snapshotAt: "2026-03-10T02:00:00.000Z",
      rpoSeconds: 27000,
      servingSince: "2026-03-10T09:30:00.000Z",
      appRole: "bloom_app",
      totalMs: 45050,
    });
    const [invocation] = typesOf(plan, "aws:lambda/invocation:Invocation");
    const [write] = typesOf(plan, SECRET_VERSION).filter((v) => v.name === "failover-app-database-url");
    expect(write.dependencies).toContain(invocation.urn);
    expect(plan.outputs.appSecretSwitched).toBe(true);
  });

  test("an active failover drill promotes, protects nothing and never writes the app secret", async () => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = "active";
      c["bloom-dr:drill"] = { scenario: "failover" };
    });
    const { code, plan } = await runPlanJson(["--stack", "dr", "--config", config]);
    expect([code, plan.violations]).toEqual([0, []]);
    expect(typesOf(plan, SECRET_VERSION).map((v) => v.name)).toEqual(["failover-app-password-value"]);
    expect(typesOf(plan, "aws:lambda/invocation:Invocation")).toHaveLength(1);
    expect(typesOf(plan, RDS).map((i) => [i.protect === true, i.inputs.deletionProtection])).toEqual([[false, false]]);
    expect(plan.resources.filter((r: { protect?: boolean }) => r.protect)).toEqual([]);
    expect(typesOf(plan, "command:local:Command")).toEqual([]);
    expect(plan.outputs.appSecretSwitched).toBe(false);
  });

  test("active with failover.app: the hooks run after the switch; the hook URL set as a secret stays masked", async () => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = "active";
      c["bloom-dr:failover"].app = {
        redeployHookUrl: { secure: "v1:AAAAencrypted" },
        healthUrl: "https://app.bloom.example/api/health",
      };
    });
    const { code, plan, stdout } = await runPlanJson(["--stack", "dr", "--config", config]);
    expect([code, plan.violations]).toEqual([0, []]);
    const commands = typesOf(plan, "command:local:Command");
    expect(commands.map((c) => [c.name, c.inputs.create])).toEqual([
      ["failover-app-redeploy", "scripts/redeployHook.js"],
      ["failover-app-health", "scripts/waitHealthy.js"],
    ]);
    expect(commands[0].inputs.environment).toBe("[secret]");
    expect(stdout).not.toContain("offline-plan-secret.invalid");
  });

  test("a redeploy hook URL in plain config is refused before anything is planned", async () => {
    const config = variantConfig("dr", (c) => {
      c["bloom-dr:failover"].mode = "active";
      c["bloom-dr:failover"].app = { redeployHookUrl: "https://api.vercel.example/deploy/s3cr3t" };
    });
    const { code, stderr, stdout } = await runPlanCli(["--stack", "dr", "--config", config]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "bloom-dr:failover.app.redeployHookUrl must be a secret (the URL carries the hook's token): remove it from the stack file and run pulumi config set --secret --path 'bloom-dr:failover.app.redeployHookUrl' <url>",
    );
    expect(stderr + stdout).not.toContain("s3cr3t");
  });

  describe("failover mode replica (with a prod config that enables logical replication)", () => {
    const replicatingProd = () =>
      variantConfig("prod", (c) => {
        c["bloom-dr:neon"].logicalReplication = true;
      });
    const replicaDr = (edit: (failover: Record<string, any>) => void = () => undefined) =>
      variantConfig("dr", (c) => {
        c["bloom-dr:failover"].mode = "replica";
        edit(c["bloom-dr:failover"]);
      });

    test("passes with zero violations: protected instance, no nightly restore, setup, status and its alarms", async () => {
      const { code, plan, stdout } = await runPlanJson([
        "--stack",
        "dr",
        "--config",
        replicaDr(),
        "--prod-config",
        replicatingProd(),
      ]);
      expect([code, plan.violations]).toEqual([0, []]);
      expect(plan.outputs.failoverMode).toBe("replica");
      const [instance] = typesOf(plan, RDS);
      expect([
        instance.protect,
        instance.inputs.deletionProtection,
        instance.inputs.tags["bloom-dr:failover-mode"],
      ]).toEqual([true, false, "replica"]);
      const schedules = Object.fromEntries(
        typesOf(plan, "aws:scheduler/schedule:Schedule").map((s) => [
          s.name,
          [s.inputs.state, s.inputs.scheduleExpression],
        ]),
      );
      expect(schedules).toEqual({
        "failover-restore-schedule": ["DISABLED", "cron(0 6 * * ? *)"],
        "failover-replicate-schedule": ["ENABLED", "rate(5 minutes)"],
      });
      const [setup] = typesOf(plan, "aws:lambda/invocation:Invocation");
      expect([setup.name, setup.inputs.input]).toEqual(["failover-replicate-setup", '{"action":"setup"}']);
      const source = typesOf(plan, SECRET_VERSION).find((v) => v.name === "failover-replication-source-value")!;
      expect(source.inputs.secretString).toBe("[secret]");
      expect(setup.dependencies).toContain(source.urn);
      expect(
        typesOf(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")
          .filter((a) => a.inputs.namespace === "BloomDR")
          .map((a) => [a.name, a.inputs.metricName]),
      ).toEqual([
        ["failover-replicate-lag", "ReplicationLagSeconds"],
        ["failover-replicate-not-syncing", "ReplicationTablesNotSyncing"],
        ["failover-replicate-silent", "ReplicationStatusCompleted"],
      ]);
      expect(plan.outputs.failoverReplication).toEqual({
        changed: true,
        tables: 12,
        publication: "bloom_dr",
        subscription: "bloom_dr",
      });
      expect(stdout).not.toContain("offline-plan-password");
    });

    test("replica → active: the same promotion step, the Neon URL kept for it, zero violations", async () => {
      const config = replicaDr((failover) => {
        failover.mode = "active";
      });
      const { code, plan } = await runPlanJson([
        "--stack",
        "dr",
        "--config",
        config,
        "--prod-config",
        replicatingProd(),
      ]);
      expect([code, plan.violations]).toEqual([0, []]);
      const [promotion] = typesOf(plan, "aws:lambda/invocation:Invocation");
      expect([promotion.name, promotion.inputs.input]).toEqual(["failover-promote", "{}"]);
      const promote = typesOf(plan, "aws:lambda/function:Function").find(
        (f) => f.name === "failover-promote-function",
      )!;
      expect(promote.inputs.environment.variables.REPLICATE_SOURCE_SECRET_ARN).toMatch(
        /:secret:failover-replication-source/,
      );
    });

    test("a prod stack without logical replication is refused before anything is planned, naming what enabling it costs", async () => {
      const { code, stderr } = await runPlanCli(["--stack", "dr", "--config", replicaDr()]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        "plan: the program failed: bloom-dr:failover.mode is replica, but stack organization/bloom-dr/prod exports no replicationSourceUrl (its Neon primary does not publish logical replication): set bloom-dr:neon.logicalReplication: true on organization/bloom-dr/prod",
      );
      expect(stderr).toContain("Neon cannot turn it off again");
    });
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
