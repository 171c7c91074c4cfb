/**
 * The pack as the Pulumi CLI runs it: `pulumi preview --policy-pack policies` starts
 * `node @pulumi/pulumi/cmd/run-policy-pack <engine> .` in policies/ (the language host's ts-node,
 * type-checking against policies/tsconfig.json), which serves the analyzer gRPC protocol. This
 * test starts that same loader and talks to it with the engine's own protobuf messages. It is the
 * only test that loads `new PolicyPack(...)`.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { allRules } from "../../policies/rules";
import { compliantStack } from "./support/compliantStack";
import type { ResourceRecord } from "../../policies/lib/validationArgs";

const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const ROOT = path.resolve(__dirname, "../..");
const LEVELS: Record<number, string> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };

let server: ChildProcess;
let client: any;

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))),
  );
}

function options(record: ResourceRecord) {
  const opts = new analyzerProto.AnalyzerResourceOptions();
  opts.setProtect(record.opts?.protect === true);
  return opts;
}

function diagnostics(response: any) {
  return response.getDiagnosticsList().map((d: any) => ({
    rule: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()],
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

async function analyze(record: ResourceRecord) {
  const request = new analyzerProto.AnalyzeRequest();
  request.setType(record.type);
  request.setName(record.name);
  request.setUrn(record.urn);
  request.setProperties(Struct.fromJavaScript(record.props));
  request.setOptions(options(record));
  return diagnostics(await call("analyze", request));
}

async function analyzeStack(records: ResourceRecord[]) {
  const request = new analyzerProto.AnalyzeStackRequest();
  request.setResourcesList(
    records.map((record) => {
      const resource = new analyzerProto.AnalyzerResource();
      resource.setType(record.type);
      resource.setName(record.name);
      resource.setUrn(record.urn);
      resource.setProperties(Struct.fromJavaScript(record.props));
      resource.setOptions(options(record));
      resource.setDependenciesList(record.dependencyUrns ?? []);
      for (const [property, urns] of Object.entries(record.propertyDependencyUrns ?? {})) {
        const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
        dependencies.setUrnsList(urns);
        resource.getPropertydependenciesMap().set(property, dependencies);
      }
      return resource;
    }),
  );
  return diagnostics(await call("analyzeStack", request));
}

beforeAll(async () => {
  // PolicyPack reads the version from package.json in the working directory, as under the CLI.
  const runPolicyPack = path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");
  server = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], {
    cwd: path.join(ROOT, "policies"),
    stdio: ["ignore", "pipe", "pipe"],
    // ts-node caches per file: a changed dependency could hide a type error in an unchanged file.
    env: { ...process.env, TS_NODE_CACHE: "false" },
  });
  const port = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    server.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) resolve(line[1]);
    });
    server.stderr!.on("data", (chunk) => (stderr += chunk));
    server.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  if (server?.pid && server.exitCode === null) server.kill("SIGTERM");
});

describe("the policy pack served over the analyzer protocol", () => {
  test("GetAnalyzerInfo lists every rule with its level and remediation steps", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("bloom-dr-recovery-guarantees");
    expect(info.getVersion()).toBe("0.1.0");
    const policies = info
      .getPoliciesList()
      .map((p: any) => [p.getName(), LEVELS[p.getEnforcementlevel()], p.getRemediationSteps()]);
    expect(policies).toEqual(allRules.map((r) => [r.name, r.enforcementLevel, r.remediationSteps]));
  });

  test("Analyze passes every resource of the compliant stack", async () => {
    for (const record of compliantStack()) {
      expect(await analyze(record)).toEqual([]);
    }
  });

  test("Analyze reports a public, unprotected active RDS instance with the rules' own messages", async () => {
    const rds = compliantStack().find((r) => r.type === "aws:rds/instance:Instance")!;
    const bad = {
      ...rds,
      props: { ...rds.props, publiclyAccessible: true, backupRetentionPeriod: 1 },
      opts: { protect: false },
    };
    // Resource diagnostics carry no URN: the engine attaches them to the resource it asked about.
    expect(await analyze(bad)).toEqual([
      {
        rule: "rds-not-publicly-accessible",
        level: "mandatory",
        message: expect.stringContaining("publiclyAccessible is true; it must be false"),
        urn: "",
      },
      {
        rule: "rds-backup-retention-minimum",
        level: "mandatory",
        message: expect.stringContaining("backupRetentionPeriod is 1; it must be at least 7 days"),
        urn: "",
      },
      {
        rule: "rds-deletion-protection-when-active",
        level: "mandatory",
        message: expect.stringContaining("the resource is not protected"),
        urn: "",
      },
    ]);
  });

  test("AnalyzeStack passes the compliant stack and names the SEV-1 topic without a subscription", async () => {
    expect(await analyzeStack(compliantStack())).toEqual([]);
    const resources = compliantStack().filter((r) => r.type !== "aws:sns/topicSubscription:TopicSubscription");
    const topic = resources.find((r) => r.type === "aws:sns/topic:Topic")!;
    expect(await analyzeStack(resources)).toEqual([
      {
        rule: "sev1-topic-has-subscription",
        level: "mandatory",
        message: expect.stringContaining("SEV-1 topic alerts-sev1 has no subscription"),
        urn: topic.urn,
      },
    ]);
  });
});
