/**
 * Options and failure modes of the offline plan: policy config files, bad arguments, a config
 * the program rejects.
 */
import { rulesViolated, runPlanCli, runPlanJson, variantConfig, writeTemp } from "./support/runPlanCli";

describe("npm run plan options and errors", () => {
  test("the insecure fixture config (the example in docs/policies.md) fails with exactly its three rules", async () => {
    const { code, stdout } = await runPlanCli([
      "--stack",
      "prod",
      "--config",
      "test/plan/fixtures/Pulumi.prod.insecure.yaml",
    ]);
    expect(code).toBe(1);
    const violations = stdout
      .split("\n")
      .filter((line) => line.startsWith("  MANDATORY") || line.startsWith("  advisory"));
    expect(violations).toEqual([
      '  MANDATORY vault-lifecycle-retention-minimum: aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration vault-lifecycle: lifecycle rule "expire-backups" expires backups after 7 days; the minimum is 30 (policy config minRetentionDays)',
      "  MANDATORY neon-history-retention-minimum: neon:index/project:Project primary-project: historyRetentionSeconds is 3600 (1 h); the minimum is 168 h (policy config minHistoryRetentionHours)",
      "  MANDATORY sev1-topic-has-subscription: aws:sns/topic:Topic alerts-sev1: SEV-1 topic alerts-sev1 has no subscription: a SEV-1 alarm would page nobody",
    ]);
    expect(stdout).toContain("  3 mandatory, 0 advisory violation(s)");
  });

  test("a policy config file relaxes a minimum or downgrades a rule, as `pulumi preview --policy-pack-config` does", async () => {
    const oneDay = variantConfig("prod", (config) => {
      config["bloom-dr:neon"].historyRetentionHours = 24;
    });
    const failing = await runPlanJson(["--stack", "prod", "--config", oneDay]);
    expect([failing.code, rulesViolated(failing.plan)]).toEqual([1, ["neon-history-retention-minimum"]]);

    const relaxed = writeTemp(
      "policy.json",
      JSON.stringify({ "neon-history-retention-minimum": { minHistoryRetentionHours: 24 } }),
    );
    const passing = await runPlanJson(["--stack", "prod", "--config", oneDay, "--policy-config", relaxed]);
    expect([passing.code, passing.plan.violations]).toEqual([0, []]);

    const advisory = writeTemp(
      "policy.json",
      JSON.stringify({ "neon-history-retention-minimum": { enforcementLevel: "advisory" } }),
    );
    const warned = await runPlanJson(["--stack", "prod", "--config", oneDay, "--policy-config", advisory]);
    expect([warned.code, rulesViolated(warned.plan, "advisory")]).toEqual([0, ["neon-history-retention-minimum"]]);
  });

  test.each([
    [["--stack", "qa"], 'plan: --stack must be one of prod, dr (got "qa")'],
    [
      ["--stack", "prod", "--config", "/nonexistent/Pulumi.prod.yaml"],
      "plan: cannot read stack config /nonexistent/Pulumi.prod.yaml: ENOENT; check the path",
    ],
  ])("%j exits 2 with a one-line reason", async (args, message) => {
    const { code, stdout, stderr } = await runPlanCli(args);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: "", stderr: `${message}\n` });
  });

  test("a config the program rejects exits 2 with the program's message", async () => {
    const bad = variantConfig("prod", (config) => {
      config["bloom-dr:backup"].runner = "ec2";
    });
    const { code, stderr } = await runPlanCli(["--stack", "prod", "--config", bad]);
    expect(code).toBe(2);
    expect(stderr).toContain("bloom-dr:backup.runner");
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
