import { createHash } from "node:crypto";

/**
 * Source and replica compared by the schema fingerprint's canonical description (tables, columns,
 * constraints, indexes, enum labels; backup/schemaFingerprint.ts): logical replication carries
 * rows, never DDL, so a migration applied to one side only shows here. The differing lines are
 * listed (a few), so the operator sees what to apply where.
 */
export interface SchemaComparison {
  matches: boolean;
  source: string;
  target: string;
  /** Lines of the canonical description found only on the source (at most LISTED). */
  onlyOnSource: string[];
  onlyOnTarget: string[];
}

const LISTED = 20;

const fingerprint = (lines: readonly string[]) => createHash("sha256").update(lines.join("\n")).digest("hex");

export function compareSchemas(sourceLines: readonly string[], targetLines: readonly string[]): SchemaComparison {
  const onSource = new Set(sourceLines);
  const onTarget = new Set(targetLines);
  const source = fingerprint(sourceLines);
  const target = fingerprint(targetLines);
  return {
    matches: source === target,
    source,
    target,
    onlyOnSource: sourceLines.filter((l) => !onTarget.has(l)).slice(0, LISTED),
    onlyOnTarget: targetLines.filter((l) => !onSource.has(l)).slice(0, LISTED),
  };
}
