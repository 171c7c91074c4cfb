import { qualifiedStackName } from "../../stacks/stackReference";

const CLOUD = { organization: "acme", project: "bloom-dr" };
const LOCAL = { organization: "organization", project: "bloom-dr" };

test.each([
  ["a bare stack on Pulumi Cloud", "prod", CLOUD, "acme/bloom-dr/prod"],
  ["a bare stack on a local backend", "prod", LOCAL, "organization/bloom-dr/prod"],
  ["project/stack", "bloom-core/prod", CLOUD, "acme/bloom-core/prod"],
  ["a fully qualified name is kept", "other-org/bloom-dr/prod", CLOUD, "other-org/bloom-dr/prod"],
  ["no organization known (mocks): kept as written", "prod", { project: "bloom-dr" }, "prod"],
])("%s", (_label, reference, current, expected) => {
  expect(qualifiedStackName(reference, current)).toBe(expected);
});
