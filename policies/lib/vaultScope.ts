/**
 * Which resources the vault rules judge. Buckets and keys carry the tag `bloom-dr:vault`; their
 * configuration resources (versioning, encryption, lifecycle, ...) cannot be tagged in AWS, so a
 * resource rule on one judges it when it was created by a BackupVault component, or at the top of
 * the program (a hand-made vault); a configuration inside any other component (a log bucket's, for
 * instance) is not a vault's.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { VAULT_TAG } from "./resourceTypes";

export const VAULT_COMPONENT_TYPE = "bloom-dr:backup:BackupVault";
const STACK_TYPE = "pulumi:pulumi:Stack";

/** The vault copy (primary, replica) a bucket or key is tagged with, or undefined for anything else. */
export function vaultCopy(props: Record<string, any>): string | undefined {
  const value = props.tags?.[VAULT_TAG];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The type token in a URN (`urn:pulumi:<stack>::<project>::<parent$...$type>::<name>`). */
function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

/** Whether a configuration resource belongs to a vault (see above). */
export function isVaultConfiguration(args: Pick<ResourceValidationArgs, "opts">): boolean {
  const parent = args.opts.parent;
  if (!parent) return true;
  const type = typeOfUrn(parent);
  return type === VAULT_COMPONENT_TYPE || type === STACK_TYPE;
}
