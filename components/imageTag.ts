/**
 * A content tag for the backup image. ECR tags are immutable here, so the tag must change exactly
 * when the build inputs change: a hash of runtime/ (without build output) and the lock files. The
 * same sources give the same tag, so `pulumi up` without code changes neither rebuilds nor fails on
 * an existing tag.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** What runtime/Dockerfile copies into the build stage. */
export const IMAGE_INPUTS = [
  "runtime",
  "components/backupMetrics.ts",
  "package.json",
  "package-lock.json",
  ".npmrc",
  "tsconfig.json",
] as const;
const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", ".cache"]);

function filesUnder(root: string, path: string): string[] {
  const absolute = join(root, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute)
    .filter((entry) => !SKIPPED_DIRECTORIES.has(entry))
    .flatMap((entry) => filesUnder(root, join(path, entry)));
}

/** "src-" + the first 16 hex digits of sha256 over every input file's path and bytes. */
export function sourceImageTag(root: string, inputs: readonly string[] = IMAGE_INPUTS): string {
  const hash = createHash("sha256");
  const files = inputs.flatMap((input) => filesUnder(root, input)).sort();
  if (files.length === 0)
    throw new Error(`no image inputs (${inputs.join(", ")}) under ${root}: run from the repository root`);
  for (const file of files) {
    hash.update(relative(root, join(root, file)).split(sep).join("/"));
    hash.update("\0");
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return `src-${hash.digest("hex").slice(0, 16)}`;
}
