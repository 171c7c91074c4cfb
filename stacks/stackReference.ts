/**
 * The fully qualified name of the prod stack the dr stack reads. Pure. Pulumi names a stack
 * `<organization>/<project>/<stack>`; a local backend's organization is always "organization",
 * Pulumi Cloud's is the account or team that owns the stack. A shorter name is completed from
 * the dr stack's own organization and project, so the shipped `primaryStack: prod` resolves on
 * both backends (Pulumi Cloud would otherwise complete it with the user's default organization,
 * which need not own the stacks).
 */
export interface CurrentStack {
  /** `pulumi.getOrganization()`; undefined when the runtime does not know it (test mocks). */
  readonly organization?: string;
  readonly project: string;
}

export function qualifiedStackName(reference: string, current: CurrentStack): string {
  const parts = reference.split("/");
  if (parts.length >= 3 || current.organization === undefined) return reference;
  if (parts.length === 2) return `${current.organization}/${reference}`;
  return `${current.organization}/${current.project}/${reference}`;
}
