/** The health probe's IAM policy: read its one secret, write its own logs. Pure. */
import { PolicyDocument, policyDocument } from "./policyDocument";

export interface HealthProbePolicyArgs {
  readonly secretArn: string;
  readonly logGroupArn: string;
}

export function healthProbePolicy(args: HealthProbePolicyArgs): PolicyDocument {
  return policyDocument(
    { Sid: "ReadMonitorUrls", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.secretArn },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${args.logGroupArn}:*`,
    },
  );
}
