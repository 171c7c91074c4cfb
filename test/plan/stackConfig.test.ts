import {
  projectConfigFromYaml,
  SECRET_PLACEHOLDER_PREFIX,
  SECRET_URL_PLACEHOLDER_PREFIX,
  stackConfigFromYaml,
} from "../../scripts/plan/stackConfig";

describe("stackConfigFromYaml", () => {
  test("qualifies keys, JSON-encodes objects and keeps strings as they are", () => {
    const yaml = [
      "config:",
      "  aws:region: us-east-1",
      "  bloom-dr:role: prod",
      "  retries: 3",
      "  bloom-dr:neon:",
      "    projectName: bloom",
      "    historyRetentionHours: 168",
      "  bloom-dr:pitrBranches: []",
    ].join("\n");
    expect(stackConfigFromYaml(yaml, "bloom-dr")).toEqual({
      values: {
        "aws:region": "us-east-1",
        "bloom-dr:role": "prod",
        "bloom-dr:retries": "3",
        "bloom-dr:neon": '{"projectName":"bloom","historyRetentionHours":168}',
        "bloom-dr:pitrBranches": "[]",
      },
      secretKeys: [],
    });
  });

  test("secure values become marked placeholders, top-level or nested", () => {
    const yaml = [
      "config:",
      "  neon:apiKey:",
      "    secure: v1:AAAA",
      "  bloom-dr:hooks:",
      "    slack:",
      "      secure: v1:BBBB",
      "    channel: ops",
    ].join("\n");
    const config = stackConfigFromYaml(yaml, "bloom-dr");
    expect(config.values["neon:apiKey"]).toBe(`${SECRET_PLACEHOLDER_PREFIX}neon:apiKey`);
    expect(JSON.parse(config.values["bloom-dr:hooks"])).toEqual({
      slack: `${SECRET_PLACEHOLDER_PREFIX}bloom-dr:hooks.slack`,
      channel: "ops",
    });
    expect(config.secretKeys).toEqual(["neon:apiKey", "bloom-dr:hooks"]);
    expect(JSON.stringify(config)).not.toContain("v1:");
  });

  test("a secure value whose key names a URL becomes a URL placeholder (URL checks pass offline)", () => {
    const yaml = [
      "config:",
      "  bloom-dr:failover:",
      "    app:",
      "      redeployHookUrl:",
      "        secure: v1:CCCC",
    ].join("\n");
    const config = stackConfigFromYaml(yaml, "bloom-dr");
    expect(JSON.parse(config.values["bloom-dr:failover"])).toEqual({
      app: { redeployHookUrl: `${SECRET_URL_PLACEHOLDER_PREFIX}bloom-dr:failover.app.redeployHookUrl` },
    });
    expect(config.secretKeys).toEqual(["bloom-dr:failover"]);
  });

  test.each([
    ["", { values: {}, secretKeys: [] }],
    ["encryptionsalt: v1:x\n", { values: {}, secretKeys: [] }],
  ])("a file without config (%j) is an empty config", (yaml, expected) => {
    expect(stackConfigFromYaml(yaml, "bloom-dr")).toEqual(expected);
  });

  test.each([
    ["config: [1, 2]", 'plan: f.yaml "config:" must be a mapping of keys to values'],
    ["- a\n- b", 'plan: f.yaml must be a YAML mapping with a "config:" key'],
    ["config:\n  a: [unclosed", "plan: f.yaml is not valid YAML:"],
  ])("%j is rejected", (yaml, message) => {
    expect(() => stackConfigFromYaml(yaml, "bloom-dr", "f.yaml")).toThrow(message);
  });
});

describe("projectConfigFromYaml", () => {
  test("takes value or default, qualifies keys and turns pulumi:tags into stack tags", () => {
    const yaml = [
      "name: bloom-dr",
      "config:",
      "  pulumi:tags:",
      "    value:",
      "      app: bloom",
      "  retries:",
      "    type: integer",
      "    default: 3",
      "  aws:region:",
      "    value: us-east-2",
      "  bloom-dr:declaredOnly:",
      "    type: string",
    ].join("\n");
    const config = projectConfigFromYaml(yaml, "bloom-dr");
    expect(config.values).toEqual({ "bloom-dr:retries": "3", "aws:region": "us-east-2" });
    expect([...config.stackTags]).toEqual([["app", "bloom"]]);
  });
  test("a project without config has none", () => {
    expect(projectConfigFromYaml("name: x\n", "x")).toEqual({ values: {}, stackTags: new Map() });
  });
});
