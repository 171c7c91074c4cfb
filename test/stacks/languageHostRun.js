// Loads index.ts the way `pulumi up` does for this project (Pulumi.yaml runtime nodejs with
// typescript: true): @pulumi/pulumi's vendored ts-node, the project's TypeScript and
// tsconfig.json, with type checking on. Resources are mocked; prints the exported output names.
// Usage: node test/stacks/languageHostRun.js prod dr   (one JSON line per stack)
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "../..");
process.chdir(root);
const { tsnodeRequire, typescriptRequire } = require("@pulumi/pulumi/tsutils").typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: undefined,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: {},
});
const pulumi = require("@pulumi/pulumi");
const yaml = require("js-yaml");

const prodOutputs = {
  vaultBucketName: "vault",
  vaultBucketArn: "arn:aws:s3:::vault",
  vaultKeyArn: "arn:aws:kms:us-east-2:123456789012:key/k",
  backupPrefix: "production/",
  appDatabaseUrlSecretArn: "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-AbCdEf",
};

async function main(stack) {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `${args.name}-id`,
        state:
          args.type === "pulumi:pulumi:StackReference"
            ? { outputs: prodOutputs }
            : {
                ...args.inputs,
                arn: `arn:aws:mock:us-east-1:123456789012:${args.name}`,
                host: `ep-${args.name}.aws.neon.tech`,
                password: "mock",
                defaultBranchId: "br-default",
                hex: "0a1b2c3d", // random.RandomId (the final snapshot's suffix)
                masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${args.name}` }],
              },
      }),
      call: () => ({
        accountId: "123456789012",
        // getCallerIdentity and getSessionContext: who deploys (the vault's policies name it).
        arn: "arn:aws:iam::123456789012:user/mock",
        issuerArn: "arn:aws:iam::123456789012:user/mock",
        name: "us-east-1",
        region: "us-east-1",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        userName: "AWS",
        password: "mock",
        proxyEndpoint: "https://mock",
        // aws.rds.getInstances (the leaving-replica check of the shipped standby): none
        instanceIdentifiers: [],
      }),
    },
    "bloom-dr",
    stack,
    false,
  );
  const config = yaml.load(fs.readFileSync(`Pulumi.${stack}.yaml`, "utf8")).config;
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    ),
  );
  // The program is evaluated once per stack: drop the project's modules from the require cache.
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(root) && !file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
  }
  // As the Node host: an exported function is called and awaited; its result is the outputs.
  const exported = require(path.join(root, "index.ts"));
  const program = await (typeof exported === "function" ? exported() : exported);
  await new Promise((resolve) => pulumi.output(program).apply(resolve));
  // Let every registration of this stack finish before the next stack replaces the mocks.
  const settings = require("@pulumi/pulumi/runtime/settings");
  for (let round = 0; round < 3; round++) {
    await settings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write(`${JSON.stringify({ stack, outputs: Object.keys(program).sort() })}\n`);
}

(async () => {
  for (const stack of process.argv.slice(2)) await main(stack);
})().catch((error) => {
  process.stderr.write(
    `${String(error && error.message)
      .split("\n")
      .slice(0, 20)
      .join("\n")}\n`,
  );
  process.exit(1);
});
