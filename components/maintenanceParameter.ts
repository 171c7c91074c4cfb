import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MaintenanceState, maintenanceValue } from "./maintenanceDocument";

export interface MaintenanceParameterArgs {
  /** Full SSM name, e.g. "/bloom-dr/prod/maintenance" (maintenanceParameterName). */
  readonly parameterName: string;
  readonly state: MaintenanceState;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Maintenance mode as config (the playbook's MITIGATE step): an SSM String parameter holding
 * {"enabled", "message", "eta"} as JSON, which the app reads (with a short cache) to serve its
 * maintenance page. `pulumi up` after changing `bloom-dr:maintenance` flips it in place.
 */
export class MaintenanceParameter extends pulumi.ComponentResource {
  declare public readonly parameterName: pulumi.Output<string>;
  declare public readonly parameterArn: pulumi.Output<string>;

  constructor(name: string, args: MaintenanceParameterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:app:MaintenanceParameter", name, {}, opts);
    const parameter = new aws.ssm.Parameter(
      `${name}-parameter`,
      {
        name: args.parameterName,
        type: "String",
        dataType: "text",
        tier: "Standard",
        value: maintenanceValue(args.state),
        description: "bloom-dr maintenance mode: the app serves its maintenance page while enabled is true",
        tags: args.tags,
      },
      { parent: this },
    );
    this.parameterName = parameter.name;
    this.parameterArn = parameter.arn;
    this.registerOutputs({ parameterName: this.parameterName, parameterArn: this.parameterArn });
  }
}
