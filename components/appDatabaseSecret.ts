import * as pulumi from "@pulumi/pulumi";

export interface AppDatabaseSecretArgs {
    /** The app's initial DATABASE_URL (the Neon pooled URI). A secret input. */
    readonly initialDatabaseUrl: pulumi.Input<string>;
    /** Customer KMS key for the secret; default the account's aws/secretsmanager key. */
    readonly kmsKeyArn?: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class AppDatabaseSecret extends pulumi.ComponentResource {
    declare public readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: AppDatabaseSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("bloom-dr:app:AppDatabaseSecret", name, {}, opts);
        this.secretArn = pulumi.output("");
        this.registerOutputs({});
    }
}
