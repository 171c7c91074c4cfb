/** The pure parts of the replica checks (stacks/replicaCheck.ts, stacks/replicationSource.ts); the checks run in dr.test.ts. */
import type { DrStackConfig } from "../../stacks/configSchema";
import { leavesReplica, stillReplicatingMessage } from "../../stacks/replicaCheck";
import { replicationSourceUrl } from "../../stacks/replicationSource";
import { keepsServing } from "../../stacks/servingCheck";

type Mode = "off" | "standby" | "replica" | "active";
const config = (mode: Mode, extra: { drill?: boolean; replicationStopped?: boolean } = {}) =>
  ({
    failover: { mode, replicationStopped: extra.replicationStopped ?? false },
    ...(extra.drill ? { drill: { scenario: "failover" } } : {}),
  }) as unknown as DrStackConfig;

test.each([
  ["standby", config("standby"), true],
  ["off", config("off"), true],
  ["an active drill", config("active", { drill: true }), true],
  ["replica", config("replica"), false],
  ["active (the promotion drops the subscription)", config("active"), false],
  ["standby after replicate stop", config("standby", { replicationStopped: true }), false],
  ["off after replicate stop", config("off", { replicationStopped: true }), false],
])("%s leaves a replica unchecked: %s", (_label, drConfig, expected) => {
  expect(leavesReplica(drConfig)).toBe(expected);
});

test("a replica is not serving: leaving active for replica is the serving check's to refuse", () => {
  expect(keepsServing(config("replica"))).toBe(false);
});

test("the refusal names the instance, the harm and the way through in one line", () => {
  const message = stillReplicatingMessage(config("off"), "failover-db-1");
  expect(message).toMatch(/^bloom-dr:failover\.mode cannot be off while this stack's instance failover-db-1 /);
  expect(message).toContain("bloom-dr replicate stop --target <the instance's master URL>");
  expect(message).toContain("bloom-dr:failover.replicationStopped: true");
  expect(message).not.toContain("\n");
});

describe("the replication URL from the prod stack", () => {
  const URL = "postgresql://bloom_replicator:pw@ep-1.us-east-2.aws.neon.tech/bloom?sslmode=require";

  test.each([
    ["replica, a secret output", "replica", { secretValue: URL }, URL],
    ["replica, a plain output", "replica", { value: URL }, URL],
    ["active, published", "active", { secretValue: URL }, URL],
    ["active, not published", "active", {}, undefined],
    ["standby never holds it", "standby", { secretValue: URL }, undefined],
    ["off never holds it", "off", { secretValue: URL }, undefined],
  ] as const)("%s", (_label, mode, details, expected) => {
    expect(replicationSourceUrl(mode, details, "acme/bloom-dr/prod")).toBe(expected);
  });

  test.each([
    ["missing", {}],
    ["empty", { secretValue: "" }],
    ["not text", { value: 42 }],
  ])("replica refuses a URL that is %s, naming the prod stack and what enabling it costs", (_label, details) => {
    expect(() => replicationSourceUrl("replica", details, "acme/bloom-dr/prod")).toThrow(
      "bloom-dr:failover.mode is replica, but stack acme/bloom-dr/prod exports no replicationSourceUrl (its Neon primary does not publish logical replication): set bloom-dr:neon.logicalReplication: true on acme/bloom-dr/prod and run pulumi up -s acme/bloom-dr/prod first, knowing that Neon cannot turn it off again",
    );
  });
});
