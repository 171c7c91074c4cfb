import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Reads a secret's string value (the RDS-managed master secret of the failover database). */
export async function readAwsSecret(arn: string): Promise<string> {
  const region = /^arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):/.exec(arn)?.[1];
  return readSecretString(new SecretsManagerClient(region ? { region } : {}), arn);
}

/** A secret's string value through `client`, which is destroyed afterwards; one line naming the secret and the permission on failure. */
export async function readSecretString(client: SecretsManagerClient, arn: string): Promise<string> {
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error("it has no string value");
    return out.SecretString;
  } catch (err) {
    throw new Error(
      `cannot read secret ${arn}: ${(err as Error).message}: check AWS credentials and secretsmanager:GetSecretValue on it`,
    );
  } finally {
    client.destroy();
  }
}
