import { BloomResourceRule, forTypes } from "../lib/rule";
import { ECS_TASK_DEFINITION_TYPES, LAMBDA_FUNCTION_TYPES } from "../lib/resourceTypes";
import { containerEnvironments, variablesWithPasswordUrls } from "../lib/connectionString";

/**
 * Environment variables are readable by anyone with lambda:GetFunctionConfiguration or
 * ecs:DescribeTaskDefinition and are stored unencrypted in the state; connection strings go
 * through Secrets Manager. Messages name the variable, never its value.
 */
export const noPasswordInFunctionEnvironment: BloomResourceRule = {
  name: "no-password-in-function-environment",
  description:
    "No Lambda environment variable (nor ECS container environment entry) may hold a postgres:// or postgresql:// URL with a user:password@ part.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Store the URL in an aws.secretsmanager.Secret, pass only its ARN in the environment (e.g. SOURCE_URL_SECRET_ARN) and read it at run time; rotate the leaked password.",
  validateResource: forTypes(
    [...LAMBDA_FUNCTION_TYPES, ...ECS_TASK_DEFINITION_TYPES],
    (props, args, reportViolation) => {
      if (args.type === ECS_TASK_DEFINITION_TYPES[0]) {
        for (const { container, variables } of containerEnvironments(props.containerDefinitions)) {
          for (const name of variablesWithPasswordUrls(variables)) {
            reportViolation(
              `container ${container} environment variable ${name} contains a connection string with a password`,
            );
          }
        }
        return;
      }
      for (const name of variablesWithPasswordUrls(props.environment?.variables)) {
        reportViolation(`environment variable ${name} contains a connection string with a password`);
      }
    },
  ),
};
