import type { PolicyResourceOptions, ReportViolation } from "@pulumi/policy";
import type { LifecycleOptions } from "./validationArgs";

/**
 * Reports what keeps a resource from surviving a routine `pulumi destroy`: `protect` (the engine
 * passes it) and `retainOnDelete`, which only the offline plan reports: when the option is not
 * known (undefined) it is not judged.
 */
export function reportUnprotected(
  what: string,
  opts: PolicyResourceOptions & LifecycleOptions,
  reportViolation: ReportViolation,
): void {
  if (opts.protect !== true) reportViolation(`${what} is not protected; pass { protect: true }`);
  if (opts.retainOnDelete === false) {
    reportViolation(`${what} is not retained on delete; pass { retainOnDelete: true }`);
  }
}
