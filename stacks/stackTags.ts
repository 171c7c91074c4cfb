/**
 * Tags every AWS resource of a stack carries. Pure. A drill's resources are tagged with its
 * scenario so that cost reports and cleanup can find them.
 */
import type { DrillConfig, StackRole } from "./configSchema";

export const DRILL_TAG = "bloom-dr:drill";

export function stackTags(stackName: string, role: StackRole, drill?: DrillConfig): Record<string, string> {
  return {
    "bloom-dr:stack": stackName,
    "bloom-dr:role": role,
    ...(drill ? { [DRILL_TAG]: drill.scenario } : {}),
  };
}
