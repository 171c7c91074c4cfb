import * as pulumi from "@pulumi/pulumi";
import * as neon from "@pulumi/neon";
import { connectionUri, epochSeconds, requireBranchPassword } from "./neonNames";

export interface PitrBranchArgs {
  readonly projectId: pulumi.Input<string>;
  /** The branch whose history is read (the protected primary branch). */
  readonly parentBranchId: pulumi.Input<string>;
  /** Neon branch name; also the stable key of this component in the stack. */
  readonly branchName: string;
  /** ISO-8601 UTC instant the branch shows the data as of; must lie in the history window. */
  readonly at: string;
  /** Database and role copied from the parent: the branch has the same ones. */
  readonly databaseName: pulumi.Input<string>;
  readonly roleName: pulumi.Input<string>;
}

/**
 * A point-in-time branch of the primary (the playbook's "Create branch from history") with its
 * own read-write endpoint, for exporting lost rows (`bloom-dr pitr export --from <uri>`) or drills.
 * Removing its config entry and running `pulumi up` deletes it (the playbook's last step).
 *
 * - The URI carries the branch's own role password, read from Neon after the branch exists: Neon
 *   gives roles new passwords on branches of a protected branch, so the parent's password would
 *   not authenticate.
 * - A changed `at` replaces the branch (`parent_timestamp` forces it). Neon refuses a second
 *   branch with the same name, so the old branch goes first (deleteBeforeReplace), and the
 *   endpoint, which Neon deletes with its branch and would otherwise be updated in place to the
 *   new branch id, is replaced with it (replaceOnChanges on branchId, also delete-first).
 */
export class PitrBranch extends pulumi.ComponentResource {
  declare public readonly branchId: pulumi.Output<string>;
  declare public readonly host: pulumi.Output<string>;
  /** Epoch seconds Neon branched at. */
  declare public readonly parentTimestamp: number;
  /** Secret. */
  declare public readonly connectionUri: pulumi.Output<string>;

  constructor(name: string, args: PitrBranchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:neon:PitrBranch", name, {}, opts);
    const parentTimestamp = epochSeconds(args.at);

    const branch = new neon.Branch(
      `${name}-branch`,
      { projectId: args.projectId, parentId: args.parentBranchId, name: args.branchName, parentTimestamp },
      { parent: this, deleteBeforeReplace: true },
    );

    const endpoint = new neon.Endpoint(
      `${name}-endpoint`,
      { projectId: args.projectId, branchId: branch.id, type: "read_write" },
      { parent: this, deleteBeforeReplace: true, replaceOnChanges: ["branchId"] },
    );

    const role = neon.getBranchRolePasswordOutput(
      { projectId: args.projectId, branchId: branch.id, roleName: args.roleName },
      { parent: this },
    );
    const password = pulumi.secret(role.apply((answer) => requireBranchPassword(answer, `PitrBranch ${name}`)));

    this.branchId = branch.id;
    this.host = endpoint.host;
    this.parentTimestamp = parentTimestamp;
    this.connectionUri = pulumi.secret(
      pulumi
        .all([args.roleName, password, endpoint.host, args.databaseName])
        .apply(([user, secret, host, database]) => connectionUri({ user, password: secret, host, database })),
    );

    this.registerOutputs({ branchId: this.branchId, host: this.host, connectionUri: this.connectionUri });
  }
}
