/**
 * The offline plan over the shipped prod config and insecure variants of it: the real program
 * under mocks, every policy rule over every resource.
 */
import { allRules } from "../../policies/rules";
import { rulesViolated, runPlanCli, runPlanJson, typesOf, variantConfig } from "./support/runPlanCli";

describe("npm run plan -- --stack prod", () => {
  test("the shipped config plans the whole prod posture with zero violations", async () => {
    const { code, plan } = await runPlanJson(["--stack", "prod"]);
    expect(plan.violations).toEqual([]);
    expect(code).toBe(0);
    // The guarantees the pack checks are really there (counts: vault + replica vault).
    expect(typesOf(plan, "neon:index/project:Project")).toHaveLength(1);
    expect(typesOf(plan, "neon:index/project:Project")[0].inputs.historyRetentionSeconds).toBe(168 * 3600);
    expect(typesOf(plan, "aws:s3/bucket:Bucket").map((b) => b.inputs.objectLockEnabled)).toEqual([true, true]);
    // the dump job and the health probe
    expect(typesOf(plan, "aws:lambda/function:Function")).toHaveLength(2);
    expect(typesOf(plan, "aws:scheduler/schedule:Schedule")[0].inputs.target.deadLetterConfig.arn).toMatch(
      /^arn:aws:sqs:/,
    );
    expect(typesOf(plan, "aws:sns/topic:Topic")).toHaveLength(4);
    // Nothing that protects recovery can be deleted by a routine destroy: the plan records both options.
    const held = plan.resources.filter((r) => r.protect).map((r) => [r.name, r.retainOnDelete === true]);
    expect(held.map(([name]) => name).sort()).toEqual(
      [
        "app-database-url-secret",
        "primary-branch",
        "primary-database",
        "primary-project",
        "primary-role",
        "vault-bucket",
        "vault-key",
        "vault-replica-bucket",
        "vault-replica-key",
      ].sort(),
    );
    expect(held.every(([, retained]) => retained)).toBe(true);
    // Secrets never reach the output.
    expect(plan.outputs.directConnectionUri).toBe("[secret]");
    expect(JSON.stringify(plan)).not.toMatch(/postgres(ql)?:\/\/[^:"]+:[^@"]+@/);
  });

  test("logical replication: the project setting, a protected replication role, a secret URL output, and the notice", async () => {
    const config = variantConfig("prod", (c) => {
      c["bloom-dr:neon"].logicalReplication = true;
    });
    const { code, plan } = await runPlanJson(["--stack", "prod", "--config", config]);
    expect([code, plan.violations]).toEqual([0, []]);
    expect(typesOf(plan, "neon:index/project:Project")[0].inputs.enableLogicalReplication).toBe("yes");
    const roles = typesOf(plan, "neon:index/role:Role").map((r) => [
      r.name,
      r.inputs.name,
      r.protect,
      r.retainOnDelete,
    ]);
    expect(roles).toEqual([
      ["primary-role", "bloom_app", true, true],
      ["primary-replication-role", "bloom_replicator", true, true],
    ]);
    expect(plan.outputs).toMatchObject({
      logicalReplication: true,
      replicationRoleName: "bloom_replicator",
      replicationSourceUrl: "[secret]",
    });
    expect((plan as unknown as { warnings: string[] }).warnings).toEqual([
      expect.stringMatching(
        /^bloom-dr:neon\.logicalReplication is true: .*cannot be turned off again.*never scales to zero/,
      ),
    ]);
    expect(JSON.stringify(plan)).not.toMatch(/postgres(ql)?:\/\/[^:"]+:[^@"]+@/);
  });

  test("the shipped config warns about nothing", async () => {
    const { plan } = await runPlanJson(["--stack", "prod"]);
    expect((plan as unknown as { warnings: string[] }).warnings).toEqual([]);
  });

  test("the text plan lists resources and says no violations", async () => {
    const { code, stdout, stderr } = await runPlanCli(["--stack", "prod"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^bloom-dr offline plan · stack prod · config Pulumi\.prod\.yaml$/m);
    expect(stdout).toMatch(
      /^\+ {3}aws:s3\/bucket:Bucket vault-bucket \[protected\] \[retained\] {2}.*objectLockEnabled=true/m,
    );
    expect(stdout).toContain(`Policies: ${allRules.length} rules of bloom-dr-recovery-guarantees`);
    expect(stdout).toMatch(/^ {2}no violations$/m);
  });

  test.each([
    [
      "the fargate runner",
      (c: Record<string, any>) => (c["bloom-dr:backup"].runner = "fargate"),
      "aws:ecs/taskDefinition:TaskDefinition",
      1,
    ],
    [
      "a pitr drill",
      (c: Record<string, any>) => (c["bloom-dr:drill"] = { scenario: "pitr" }),
      "aws:lambda/function:Function",
      2,
    ],
    [
      "a PITR branch an hour back (not a protected branch, and need not be)",
      (c: Record<string, any>) =>
        (c["bloom-dr:pitrBranches"] = [{ name: "restore-test", at: new Date(Date.now() - 3600_000).toISOString() }]),
      "neon:index/branch:Branch",
      2,
    ],
  ])("%s passes too", async (_label, edit, type, count = 1) => {
    const { code, plan } = await runPlanJson(["--stack", "prod", "--config", variantConfig("prod", edit)]);
    expect([code, plan.violations]).toEqual([0, []]);
    expect(typesOf(plan, type)).toHaveLength(count);
  });

  test("an unprotected primary branch is an advisory violation: printed, exit 0", async () => {
    const config = variantConfig("prod", (c) => {
      c["bloom-dr:neon"].protectPrimaryBranch = false;
    });
    const { code, plan } = await runPlanJson(["--stack", "prod", "--config", config]);
    expect(code).toBe(0);
    expect(plan.violations).toEqual([
      expect.objectContaining({
        rule: "neon-primary-branch-protected",
        enforcementLevel: "advisory",
        resourceName: "primary-branch",
      }),
    ]);
  });

  test("an insecure variant fails, naming each rule and resource", async () => {
    const insecure = variantConfig("prod", (config) => {
      config["bloom-dr:neon"].historyRetentionHours = 1;
      config["bloom-dr:backup"].retentionDays = 7;
      config["bloom-dr:backup"].objectLockDays = 7;
      config["bloom-dr:alerts"].sev1 = [];
    });
    const { code, plan, stdout } = await runPlanJson(["--stack", "prod", "--config", insecure]);
    expect(code).toBe(1);
    expect(rulesViolated(plan)).toEqual([
      "neon-history-retention-minimum",
      "sev1-topic-has-subscription",
      "vault-lifecycle-retention-minimum",
    ]);
    expect(plan.violations).toContainEqual(
      expect.objectContaining({
        rule: "neon-history-retention-minimum",
        resourceType: "neon:index/project:Project",
        resourceName: "primary-project",
        message: "historyRetentionSeconds is 3600 (1 h); the minimum is 168 h (policy config minHistoryRetentionHours)",
      }),
    );
    expect(plan.violations).toContainEqual(
      expect.objectContaining({ rule: "sev1-topic-has-subscription", resourceName: "alerts-sev1" }),
    );
    expect(
      plan.violations
        .filter((v) => v.rule === "vault-lifecycle-retention-minimum")
        .map((v) => v.resourceName)
        .sort(),
    ).toEqual(["vault-lifecycle", "vault-replica-lifecycle"]);
    expect(plan.mandatoryViolations).toBe(plan.violations.length);
    expect(stdout).not.toContain("no violations");
  });
});
