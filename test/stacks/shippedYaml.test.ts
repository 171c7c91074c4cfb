/** The shipped Pulumi.yaml / Pulumi.<stack>.yaml: valid for the program today, and free of secrets. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackConfig, readRawStackConfig } from "../../stacks/config";
import { REPO_ROOT, shippedConfig } from "./shippedConfig";

const yaml = require("js-yaml") as { load(text: string): unknown };

const asConfigStrings = (config: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );

test("Pulumi.yaml declares the bloom-dr project on the TypeScript nodejs runtime", () => {
  const project = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as Record<string, any>;
  expect(project.name).toBe("bloom-dr");
  expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true, packagemanager: "npm" } });
});

test.each(["prod", "dr"] as const)("Pulumi.%s.yaml parses with today's clock and names its role", (stack) => {
  const config = shippedConfig(stack);
  const parsed = parseStackConfig(readRawStackConfig(asConfigStrings(config)), new Date(), stack, {
    awsRegion: config["aws:region"] as string,
  });
  expect(parsed.role).toBe(stack);
});

test.each(["prod", "dr"] as const)("Pulumi.%s.yaml holds no plain secret", (stack) => {
  const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
  const config = shippedConfig(stack);
  // Secrets only ever as `secure:` ciphertext written by `pulumi config set --secret`.
  expect(config["neon:apiKey"]).toBeUndefined();
  const values = JSON.stringify(config);
  expect(values).not.toMatch(/:\/\/[^/\s"@]+:[^/\s"@]+@/); // no URL with user:password
  expect(values).not.toMatch(/AKIA[0-9A-Z]{16}/); // no AWS access key id
  expect(values).not.toMatch(/napi_[a-z0-9]{20,}/i); // no Neon API key
  // Only prod talks to Neon; its file tells how to set the key.
  if (stack === "prod") expect(text).toContain("pulumi config set --secret neon:apiKey");
  else expect(text).not.toContain("neon:apiKey");
});
