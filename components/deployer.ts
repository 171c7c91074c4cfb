/**
 * Who deploys the stack, as the vault's policies name it. The policies compare
 * `aws:PrincipalArn`, which is an IAM role's ARN (with its path) for any session of that role, or
 * an IAM user's ARN. The caller identity of an assumed role is an STS session ARN
 * (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), which no policy condition can name, so
 * it is turned into the role's ARN by `aws.iam.getSessionContext` (which looks up the role's path).
 * An explicit ARN wins: with more than one deployer (CI and people) every run would otherwise
 * rewrite the policies to name itself, and the others could no longer change them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { principalParts } from "./vaultKeyPolicy";

export interface Deployer {
  /** IAM role or user ARN. */
  readonly arn: pulumi.Output<string>;
  /** The account the stack deploys into. */
  readonly accountId: pulumi.Output<string>;
  /** "aws", "aws-us-gov", ... */
  readonly partition: pulumi.Output<string>;
}

export function resolveDeployer(given: pulumi.Input<string> | undefined, parent: pulumi.Resource): Deployer {
  const caller = aws.getCallerIdentityOutput({}, { parent });
  const arn =
    given !== undefined
      ? pulumi.output(given)
      : aws.iam.getSessionContextOutput({ arn: caller.arn }, { parent }).issuerArn;
  return {
    arn: arn.apply((value) => {
      principalParts(value, "the deployer");
      return value;
    }),
    accountId: caller.accountId,
    partition: caller.arn.apply((value) => value.split(":")[1]),
  };
}
