/**
 * The network of the failover database: given subnets, or a small private VPC (two subnets in two
 * AZs, no internet route) with the endpoints the restore job needs (S3 gateway, Secrets Manager
 * interface). Security groups: the database admits 5432 only from the restore job and the app,
 * and connects out only as a logical replica (to the Neon primary, through the VPC's NAT).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const PRIVATE_VPC_CIDR = "10.42.0.0/16";
export const PRIVATE_SUBNET_CIDRS = ["10.42.0.0/24", "10.42.1.0/24"] as const;
export const POSTGRES_PORT = 5432;

type Tags = pulumi.Input<Record<string, pulumi.Input<string>>>;

export interface FailoverNetworkArgs {
  readonly vpcId?: pulumi.Input<string>;
  readonly subnetIds?: pulumi.Input<string>[];
  readonly appCidrs: readonly string[];
  /**
   * The instance subscribes to the Neon primary (replica, and active while a replica is promoted):
   * egress to 5432 anywhere, since Neon's endpoints have no fixed addresses. The route is the
   * given VPC's (NAT); the VPC created here has none.
   */
  readonly reachesNeon: boolean;
  readonly tags: Tags;
}

/** The database's one outbound rule, only while it may subscribe to Neon. */
export const NEON_EGRESS = {
  protocol: "tcp",
  fromPort: POSTGRES_PORT,
  toPort: POSTGRES_PORT,
  cidrBlocks: ["0.0.0.0/0"],
  description: "the Neon primary (logical replication subscription), through the VPC's NAT",
} as const;

export interface FailoverNetwork {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  readonly databaseSecurityGroup: aws.ec2.SecurityGroup;
  readonly restoreJobSecurityGroup: aws.ec2.SecurityGroup;
}

export function createFailoverNetwork(
  name: string,
  args: FailoverNetworkArgs,
  parent: pulumi.Resource,
): FailoverNetwork {
  const opts = { parent };
  const given = args.vpcId !== undefined;
  if (given !== (args.subnetIds !== undefined)) {
    throw new Error(
      `FailoverDatabase ${name}: vpcId and subnetIds go together; set both (two private subnets in two AZs) or neither`,
    );
  }
  if (args.subnetIds !== undefined && args.subnetIds.length < 2) {
    throw new Error(
      `FailoverDatabase ${name}: subnetIds needs at least two subnets in two AZs (got ${args.subnetIds.length}); RDS subnet groups require it`,
    );
  }
  const created = given ? undefined : createPrivateVpc(name, args.tags, parent);
  const vpcId = args.vpcId ?? created!.vpc.id;
  const subnetIds = args.subnetIds ?? created!.subnets.map((subnet) => subnet.id);

  const restoreJobSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-restore-sg`,
    {
      description: "bloom-dr restore job: no inbound; PostgreSQL and HTTPS (S3, Secrets Manager endpoints) out",
      vpcId,
      egress: [
        {
          protocol: "tcp",
          fromPort: POSTGRES_PORT,
          toPort: POSTGRES_PORT,
          cidrBlocks: ["0.0.0.0/0"],
          description: "the failover database",
        },
        {
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
          description: "S3 and Secrets Manager endpoints",
        },
      ],
      tags: args.tags,
    },
    opts,
  );
  const databaseSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-db-sg`,
    {
      description: "bloom-dr failover database: PostgreSQL from the restore job and the app CIDRs only",
      vpcId,
      ingress: [
        {
          protocol: "tcp",
          fromPort: POSTGRES_PORT,
          toPort: POSTGRES_PORT,
          securityGroups: [restoreJobSecurityGroup.id],
          description: "restore job",
        },
        ...(args.appCidrs.length > 0
          ? [
              {
                protocol: "tcp",
                fromPort: POSTGRES_PORT,
                toPort: POSTGRES_PORT,
                cidrBlocks: [...args.appCidrs],
                description: "application",
              },
            ]
          : []),
      ],
      // RDS answers on the connections it accepted; it needs no outbound rule unless it subscribes.
      egress: args.reachesNeon ? [{ ...NEON_EGRESS, cidrBlocks: [...NEON_EGRESS.cidrBlocks] }] : [],
      tags: args.tags,
    },
    opts,
  );

  if (created) createJobEndpoints(name, created, restoreJobSecurityGroup, args.tags, parent);
  return { vpcId, subnetIds, databaseSecurityGroup, restoreJobSecurityGroup };
}

interface PrivateVpc {
  readonly vpc: aws.ec2.Vpc;
  readonly subnets: aws.ec2.Subnet[];
  readonly routeTable: aws.ec2.RouteTable;
}

function createPrivateVpc(name: string, tags: Tags, parent: pulumi.Resource): PrivateVpc {
  const opts = { parent };
  // Interface endpoints with private DNS need both DNS settings on.
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    { cidrBlock: PRIVATE_VPC_CIDR, enableDnsSupport: true, enableDnsHostnames: true, tags },
    opts,
  );
  // Regular AZs only: Local and Wavelength Zones (opt-in) sort first otherwise and offer no RDS.
  const zones = aws.getAvailabilityZonesOutput(
    { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    opts,
  );
  const routeTable = new aws.ec2.RouteTable(`${name}-private-routes`, { vpcId: vpc.id, tags }, opts);
  const subnets = PRIVATE_SUBNET_CIDRS.map((cidrBlock, index) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${index}`,
      {
        vpcId: vpc.id,
        cidrBlock,
        availabilityZone: zones.names[index],
        mapPublicIpOnLaunch: false,
        tags,
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-private-${index}-routes`,
      { subnetId: subnet.id, routeTableId: routeTable.id },
      opts,
    );
    return subnet;
  });
  return { vpc, subnets, routeTable };
}

function createJobEndpoints(
  name: string,
  network: PrivateVpc,
  client: aws.ec2.SecurityGroup,
  tags: Tags,
  parent: pulumi.Resource,
): void {
  const opts = { parent };
  const region = aws.getRegionOutput({}, opts).region;
  new aws.ec2.VpcEndpoint(
    `${name}-s3-endpoint`,
    {
      vpcId: network.vpc.id,
      serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [network.routeTable.id],
      tags,
    },
    opts,
  );
  const endpointSecurityGroup = new aws.ec2.SecurityGroup(
    `${name}-endpoint-sg`,
    {
      description: "bloom-dr interface endpoints: HTTPS from the restore job only",
      vpcId: network.vpc.id,
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: [client.id], description: "restore job" },
      ],
      egress: [],
      tags,
    },
    opts,
  );
  new aws.ec2.VpcEndpoint(
    `${name}-secretsmanager-endpoint`,
    {
      vpcId: network.vpc.id,
      serviceName: pulumi.interpolate`com.amazonaws.${region}.secretsmanager`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: network.subnets.map((subnet) => subnet.id),
      securityGroupIds: [endpointSecurityGroup.id],
      tags,
    },
    opts,
  );
}
