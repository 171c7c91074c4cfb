import * as pulumi from "@pulumi/pulumi";
import * as neon from "@pulumi/neon";
import { connectionUri, epochSeconds } from "./neonNames";

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
  /** The role's password (a secret); branches inherit roles with their passwords. */
  readonly rolePassword: pulumi.Input<string>;
}

/**
 * A point-in-time branch of the primary (the playbook's "Create branch from history") with its
 * own read-write endpoint, for exporting lost rows (`bloom-dr pitr export --from <uri>`) or drills.
 * Removing its config entry and running `pulumi up` deletes it (the playbook's last step).
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
      { parent: this },
    );

    const endpoint = new neon.Endpoint(
      `${name}-endpoint`,
      { projectId: args.projectId, branchId: branch.id, type: "read_write" },
      { parent: this },
    );

    this.branchId = branch.id;
    this.host = endpoint.host;
    this.parentTimestamp = parentTimestamp;
    this.connectionUri = pulumi.secret(
      pulumi
        .all([args.roleName, args.rolePassword, endpoint.host, args.databaseName])
        .apply(([user, password, host, database]) => connectionUri({ user, password, host, database })),
    );

    this.registerOutputs({ branchId: this.branchId, host: this.host, connectionUri: this.connectionUri });
  }
}
