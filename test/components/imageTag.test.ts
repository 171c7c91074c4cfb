import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sourceImageTag } from "../../components/imageTag";

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
      `no image inputs (runtime, components/backupMetrics.ts, package.json, package-lock.json, .npmrc, tsconfig.json) under ${empty}: run from the repository root`,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
