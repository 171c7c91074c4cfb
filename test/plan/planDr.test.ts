/**
 * The offline plan over the shipped dr config, with each failover mode, and an insecure
 * variant: the prod stack's outputs come from the mocked StackReference.
 */
import { rulesViolated, runPlanJson, typesOf, variantConfig, writeTemp } from "./support/runPlanCli";

const RDS = "aws:rds/instance:Instance";

describe("npm run plan -- --stack dr", () => {
    test("the shipped config passes with zero violations", async () => {
        const { code, plan } = await runPlanJson(["--stack", "dr"]);
        expect(plan.violations).toEqual([]);
        expect(code).toBe(0);
        expect(typesOf(plan, "pulumi:pulumi:StackReference").map((r) => r.name)).toEqual(["organization/bloom-dr/prod"]);
        expect(plan.outputs.failoverMode).toBe("standby");
        // The shipped prod config replicates its vault into the dr region: restores use the replica.
        expect(plan.outputs.restoresFromReplica).toBe(true);
    });

    test.each(["off", "standby", "active"])("failover mode %s passes with zero mandatory violations", async (mode) => {
        const config = variantConfig("dr", (c) => {
            c["bloom-dr:failover"].mode = mode;
        });
        const { code, plan } = await runPlanJson(["--stack", "dr", "--config", config]);
        expect(rulesViolated(plan)).toEqual([]);
        expect(code).toBe(0);
        expect(plan.outputs.failoverMode).toBe(mode);
    });

    test("an insecure variant fails with the expected rules", async () => {
        const config = variantConfig("dr", (c) => {
            c["bloom-dr:failover"].mode = "standby";
            c["bloom-dr:alerts"].sev1 = [];
        });
        const policy = writeTemp("policy.json", JSON.stringify({ "rds-backup-retention-minimum": { minBackupRetentionDays: 14 } }));
        const { code, plan } = await runPlanJson(["--stack", "dr", "--config", config, "--policy-config", policy]);
        expect(code).toBe(1);
        const expected = typesOf(plan, RDS).length > 0 ? ["rds-backup-retention-minimum", "sev1-topic-has-subscription"] : ["sev1-topic-has-subscription"];
        expect(rulesViolated(plan)).toEqual(expected);
    });
});
