import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

/**
 * A loopback HTTP server speaking the part of the Secrets Manager JSON protocol the handlers use
 * (POST with `X-Amz-Target: secretsmanager.GetSecretValue`), so tests go through the real AWS SDK
 * client: request signing, serialisation and error mapping included.
 */
export interface SecretsManagerServer {
  endpoint: string;
  /** Adds or replaces a secret; returns its ARN. */
  put(name: string, secretString: string): string;
  /** Every request's target and SecretId, for assertions on what was read. */
  requests: { target: string; secretId: string; authorized: boolean }[];
  close(): Promise<void>;
}

export async function startSecretsManagerServer(region = "us-east-1"): Promise<SecretsManagerServer> {
  const secrets = new Map<string, { name: string; value: string }>();
  const requests: SecretsManagerServer["requests"] = [];
  const arnFor = (name: string) => `arn:aws:secretsmanager:${region}:123456789012:secret:${name}-AbCdEf`;

  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (body) => answer(req, body, res),
      () => res.destroy(),
    );
  });

  function answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    const target = String(req.headers["x-amz-target"] ?? "");
    let secretId = "";
    try {
      secretId = String(JSON.parse(body || "{}").SecretId ?? "");
    } catch {
      return reply(res, 400, { __type: "SerializationException", message: "body is not JSON" });
    }
    // the SDK signs every request with SigV4; an unsigned one means the client was misconfigured
    const authorized = String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256");
    requests.push({ target, secretId, authorized });
    if (!authorized)
      return reply(res, 400, {
        __type: "UnrecognizedClientException",
        message: "The security token included in the request is invalid.",
      });
    if (target !== "secretsmanager.GetSecretValue")
      return reply(res, 400, { __type: "InvalidAction", message: `unsupported target ${target}` });
    const secret = secrets.get(secretId) ?? [...secrets.values()].find((s) => s.name === secretId);
    if (!secret)
      return reply(res, 400, {
        __type: "ResourceNotFoundException",
        message: "Secrets Manager can't find the specified secret.",
      });
    reply(res, 200, {
      ARN: arnFor(secret.name),
      Name: secret.name,
      SecretString: secret.value,
      VersionId: "v1",
      VersionStages: ["AWSCURRENT"],
      CreatedDate: 1.7e9,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put(name, value) {
      const arn = arnFor(name);
      secrets.set(arn, { name, value });
      return arn;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": "test",
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}
