import * as pulumi from "@pulumi/pulumi";
import * as neon from "@pulumi/neon";
import { connectionUri, historyRetentionSeconds, NEON_DEFAULT_BRANCH, pooledHost, yesNo } from "./neonNames";

/** Neon's name for a project's default branch; the project creates it. */

export interface NeonPrimaryArgs {
  readonly projectName: string;
  /**
   * Neon organization that owns the project. Required with a personal API key; an organization
   * API key implies its organization. Changing it replaces the project (refused: it is protected).
   */
  readonly orgId?: string;
  /** Neon region id, e.g. "aws-us-east-2". */
  readonly regionId: string;
  /** Postgres major version, e.g. 17. */
  readonly pgVersion: number;
  /** Point-in-time restore window in hours: every PITR branch must start inside it. */
  readonly historyRetentionHours: number;
  /** Default "bloom". */
  readonly databaseName?: string;
  /** Owner of the database, used by the app. Default "bloom_app". */
  readonly roleName?: string;
  /** The branch that holds production data. Default "production". */
  readonly primaryBranchName?: string;
  /** Neon branch protection on the primary branch. Default true. */
  readonly protectPrimaryBranch?: boolean;
  /**
   * wal_level=logical on every compute of the project, and a role for a logical replication
   * subscriber (the dr stack's replica). Irreversible on Neon; plain boolean: decides whether the
   * role exists. Default false.
   */
  readonly logicalReplication?: boolean;
  /** The replication role (only with logicalReplication). Default "bloom_replicator". */
  readonly replicationRoleName?: string;
}

export const NEON_PRIMARY_DEFAULTS = { replicationRoleName: "bloom_replicator" } as const;

/**
 * The primary Neon project. The provider cannot protect a project's default branch, so
 * production data lives on a dedicated, protected branch (child of the default branch `main`)
 * with its own read-write endpoint, role and database. The project, that branch, the database and
 * its owner role are Pulumi `protect`ed and retained on delete: deleting (or replacing) any of them
 * deletes the data, its history or the objects the role owns. Changing `roleName` or
 * `databaseName` therefore fails the update instead of replacing the production database.
 * With `logicalReplication` the project runs wal_level=logical and a protected replication role
 * exists beside the owner; its direct URL is what the dr stack's replica subscribes with.
 */
export class NeonPrimary extends pulumi.ComponentResource {
  declare public readonly projectId: pulumi.Output<string>;
  /** The project's default branch (`main`, left empty). */
  declare public readonly defaultBranchId: pulumi.Output<string>;
  /** The protected branch with production data; PITR branches start from it. */
  declare public readonly primaryBranchId: pulumi.Output<string>;
  declare public readonly host: pulumi.Output<string>;
  declare public readonly pooledHost: pulumi.Output<string>;
  declare public readonly databaseName: pulumi.Output<string>;
  declare public readonly roleName: pulumi.Output<string>;
  /** Secret. */
  declare public readonly rolePassword: pulumi.Output<string>;
  /** Secret: direct connection (pg_dump, migrations). */
  declare public readonly directUri: pulumi.Output<string>;
  /** Secret: through Neon's PgBouncer (the app's DATABASE_URL). */
  declare public readonly pooledUri: pulumi.Output<string>;
  /** The replication role, and its direct URL (secret); both undefined without logicalReplication. */
  declare public readonly replicationRoleName: pulumi.Output<string | undefined>;
  declare public readonly replicationUri: pulumi.Output<string | undefined>;

  constructor(name: string, args: NeonPrimaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:neon:NeonPrimary", name, {}, opts);
    const databaseName = args.databaseName ?? "bloom";
    const roleName = args.roleName ?? "bloom_app";
    const primaryBranchName = args.primaryBranchName ?? "production";
    const protectPrimaryBranch = args.protectPrimaryBranch ?? true;
    if (primaryBranchName === NEON_DEFAULT_BRANCH) {
      throw new Error(
        `NeonPrimary ${name}: primaryBranchName "${NEON_DEFAULT_BRANCH}" is the project's default branch; choose another name`,
      );
    }

    const project = new neon.Project(
      `${name}-project`,
      {
        name: args.projectName,
        ...(args.orgId !== undefined ? { orgId: args.orgId } : {}),
        regionId: args.regionId,
        pgVersion: args.pgVersion,
        historyRetentionSeconds: historyRetentionSeconds(args.historyRetentionHours),
        branch: { name: NEON_DEFAULT_BRANCH },
        // Role passwords must be stored for the provider to return them (connection URIs).
        storePassword: "yes",
        // Omitted rather than "no" when off: a project enabled outside Pulumi (and refreshed) keeps
        // it, and dropping it later plans a replacement (provider 0.13: ForceNew) that protect refuses.
        ...(args.logicalReplication ? { enableLogicalReplication: "yes" } : {}),
      },
      { parent: this, protect: true, retainOnDelete: true },
    );

    const branch = new neon.Branch(
      `${name}-branch`,
      {
        projectId: project.id,
        parentId: project.defaultBranchId,
        name: primaryBranchName,
        protected: yesNo(protectPrimaryBranch),
      },
      { parent: this, protect: true, retainOnDelete: true },
    );

    const endpoint = new neon.Endpoint(
      `${name}-endpoint`,
      { projectId: project.id, branchId: branch.id, type: "read_write" },
      { parent: this },
    );

    const role = new neon.Role(
      `${name}-role`,
      { projectId: project.id, branchId: branch.id, name: roleName },
      { parent: this, protect: true, retainOnDelete: true },
    );

    const database = new neon.Database(
      `${name}-database`,
      { projectId: project.id, branchId: branch.id, name: databaseName, ownerName: role.name },
      { parent: this, protect: true, retainOnDelete: true },
    );

    this.projectId = project.id;
    this.defaultBranchId = project.defaultBranchId;
    this.primaryBranchId = branch.id;
    this.host = endpoint.host;
    this.pooledHost = endpoint.host.apply(pooledHost);
    this.databaseName = database.name;
    this.roleName = role.name;
    this.rolePassword = pulumi.secret(role.password);
    const uri = (login: neon.Role, host: pulumi.Output<string>) =>
      pulumi.secret(
        pulumi
          .all([login.name, login.password, host, database.name])
          .apply(([user, password, h, db]) => connectionUri({ user, password, host: h, database: db })),
      );
    this.directUri = uri(role, this.host);
    this.pooledUri = uri(role, this.pooledHost);

    // Created through Neon's API, so it has REPLICATION and neon_superuser membership (which may
    // publish FOR ALL TABLES on Neon); a role created in SQL has neither.
    const replicationRole = args.logicalReplication
      ? new neon.Role(
          `${name}-replication-role`,
          {
            projectId: project.id,
            branchId: branch.id,
            name: args.replicationRoleName ?? NEON_PRIMARY_DEFAULTS.replicationRoleName,
          },
          { parent: this, protect: true, retainOnDelete: true },
        )
      : undefined;
    this.replicationRoleName = replicationRole ? replicationRole.name : pulumi.output(undefined);
    // Direct host: a replication connection cannot go through the pooler.
    this.replicationUri = replicationRole ? uri(replicationRole, this.host) : pulumi.output(undefined);

    this.registerOutputs({
      projectId: this.projectId,
      defaultBranchId: this.defaultBranchId,
      primaryBranchId: this.primaryBranchId,
      host: this.host,
      pooledHost: this.pooledHost,
      databaseName: this.databaseName,
      roleName: this.roleName,
      directUri: this.directUri,
      pooledUri: this.pooledUri,
      replicationRoleName: this.replicationRoleName,
      replicationUri: this.replicationUri,
    });
  }
}
