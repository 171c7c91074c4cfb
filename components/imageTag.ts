/**
 * The backup image's tag and the repository's tag policy. Pure.
 *
 * The tag names the sources: "src-" and a hash of what runtime/Dockerfile copies (runtime/
 * without build output, the lock files), so an unchanged tree gives the same tag and
 * `pulumi up` neither rebuilds for it nor pushes a new one. docker-build decides to rebuild on
 * its own context hash, though, which also covers file modes and everything else in the build
 * context: a second checkout (another umask, CI after a laptop) rebuilds the same sources into a
 * new, non-reproducible image under the same tag. Build tags are therefore the one mutable
 * namespace of an otherwise immutable repository (IMMUTABLE_WITH_EXCLUSION on "src-*"): a
 * rebuild moves the tag to the new digest instead of failing with ImageTagAlreadyExists, and
 * nothing runs by tag (Lambda and ECS pin the digest), so moving it changes nothing that runs.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** What runtime/Dockerfile copies into the build stage. */
export const IMAGE_INPUTS = [
  "runtime",
  "components/backupMetrics.ts",
  "components/healthProbeMetrics.ts",
  "components/replicationMetrics.ts",
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

/** Every tag the build pushes starts with this. */
export const BUILD_TAG_PREFIX = "src-";
/** ECR exclusion filter (type WILDCARD) that lets the build's tags move. */
export const BUILD_TAG_FILTER = `${BUILD_TAG_PREFIX}*`;

/** The repository's tag policy: immutable tags, except the build's own tags (see above). */
export function imageTagPolicy(): {
  imageTagMutability: "IMMUTABLE_WITH_EXCLUSION";
  imageTagMutabilityExclusionFilters: { filter: string; filterType: "WILDCARD" }[];
} {
  return {
    imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
    imageTagMutabilityExclusionFilters: [{ filter: BUILD_TAG_FILTER, filterType: "WILDCARD" }],
  };
}

/** ECR's WILDCARD filter semantics: `*` matches any run of characters, everything else itself. */
export function wildcardMatches(filter: string, tag: string): boolean {
  const pattern = filter
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(tag);
}

/** Whether a push may move this tag to another digest under imageTagPolicy(). */
export function tagIsMutable(tag: string): boolean {
  return imageTagPolicy().imageTagMutabilityExclusionFilters.some(({ filter }) => wildcardMatches(filter, tag));
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
  return `${BUILD_TAG_PREFIX}${hash.digest("hex").slice(0, 16)}`;
}
