/**
 * The project targets Node 24 LTS everywhere a Node version is named: a version left behind in
 * one place (an image, a workflow, the bundle) would run the recovery code on an unsupported
 * runtime.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { bundleOptions } from "../../runtime/build/bundle";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

test(".nvmrc and .node-version say 24; package.json accepts 22 and newer", () => {
  expect(read(".nvmrc").trim()).toBe("24");
  expect(read(".node-version").trim()).toBe("24");
  expect(JSON.parse(read("package.json")).engines).toEqual({ node: ">=22" });
});

test("both stages of the job image are on the nodejs:24 Lambda base image", () => {
  const froms = read("runtime/Dockerfile")
    .split("\n")
    .filter((line) => line.startsWith("FROM "));
  expect(froms).toEqual(["FROM public.ecr.aws/lambda/nodejs:24 AS build", "FROM public.ecr.aws/lambda/nodejs:24"]);
});

test("the Lambda bundle targets node24", () => {
  expect(bundleOptions("/tmp/out").target).toBe("node24");
});

test("every workflow's setup-node reads .nvmrc and every action is on its Node 24 major", () => {
  const dir = path.join(ROOT, ".github", "workflows");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
  expect(files.length).toBeGreaterThan(0);
  const NODE24_MAJORS: Record<string, number> = {
    "actions/checkout": 6,
    "actions/setup-node": 6,
    "actions/upload-artifact": 6,
    "aws-actions/configure-aws-credentials": 6,
    "pulumi/actions": 7,
  };
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const [, action, major] of text.matchAll(/uses: ([\w-]+\/[\w-]+)@v(\d+)/g)) {
      expect({ file, action, major: Number(major) }).toEqual({ file, action, major: NODE24_MAJORS[action] });
    }
    expect(text).not.toMatch(/node-version: /);
  }
});
