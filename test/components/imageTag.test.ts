import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageTagPolicy, sourceImageTag, tagIsMutable, wildcardMatches } from "../../components/imageTag";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "image-tag-"));
  mkdirSync(join(root, "runtime", "handlers"), { recursive: true });
  writeFileSync(join(root, "runtime", "handlers", "backup.ts"), "export const handler = 1;\n");
  writeFileSync(join(root, "package-lock.json"), "{}\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test("same sources give the same tag", () => {
  const tag = sourceImageTag(root);
  expect(tag).toMatch(/^src-[0-9a-f]{16}$/);
  expect(sourceImageTag(root)).toBe(tag);
});

test.each([
  [
    "a handler changes",
    () => writeFileSync(join(root, "runtime", "handlers", "backup.ts"), "export const handler = 2;\n"),
  ],
  ["a file is added", () => writeFileSync(join(root, "runtime", "handlers", "restoreTest.ts"), "x")],
  ["the lock file changes", () => writeFileSync(join(root, "package-lock.json"), '{"a":1}\n')],
])("the tag changes when %s", (_label, change) => {
  const before = sourceImageTag(root);
  change();
  expect(sourceImageTag(root)).not.toBe(before);
});

test.each([
  ["node_modules", join("runtime", "node_modules", "x.js")],
  ["dist", join("runtime", "dist", "bundle.js")],
])("build output in %s does not change the tag", (_label, file) => {
  const before = sourceImageTag(root);
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), "built");
  expect(sourceImageTag(root)).toBe(before);
});

test("a directory without any input is refused", () => {
  const empty = mkdtempSync(join(tmpdir(), "image-tag-empty-"));
  try {
    expect(() => sourceImageTag(empty)).toThrow(
      `no image inputs (runtime, components/backupMetrics.ts, components/healthProbeMetrics.ts, components/replicationMetrics.ts, package.json, package-lock.json, .npmrc, tsconfig.json) under ${empty}: run from the repository root`,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("file modes do not change the tag (docker-build's context hash sees them, so a rebuild reuses the tag)", () => {
  const before = sourceImageTag(root);
  chmodSync(join(root, "runtime", "handlers", "backup.ts"), 0o600);
  expect(sourceImageTag(root)).toBe(before);
  expect(tagIsMutable(before)).toBe(true);
});

describe("the repository's tag policy", () => {
  test("tags are immutable except the build's src-* tags", () => {
    expect(imageTagPolicy()).toEqual({
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: [{ filter: "src-*", filterType: "WILDCARD" }],
    });
  });

  test.each([
    ["a build tag", "src-0123456789abcdef", true],
    ["the tag of these very sources", undefined, true],
    ["a release tag", "v1.4.0", false],
    ["latest", "latest", false],
    ["the bare prefix word", "src", false],
    ["another case", "SRC-0123456789abcdef", false],
    ["the prefix inside a tag", "pre-src-0123", false],
  ])("%s (%s) is mutable: %s", (_label, tag, mutable) => {
    expect(tagIsMutable(tag ?? sourceImageTag(root))).toBe(mutable);
  });

  test.each([
    ["src-*", "src-abc", true],
    ["src-*", "src-", true],
    ["*-rc", "v1-rc", true],
    ["a*b*c", "aXXbYYc", true],
    ["a.b", "aXb", false],
    ["v1.0", "v1.0", true],
  ])("wildcard %s on %s matches: %s", (filter, tag, matches) => {
    expect(wildcardMatches(filter, tag)).toBe(matches);
  });
});
