/**
 * A reusable Pulumi mock harness for unit tests of components and stacks.
 *
 * Usage (config and mocks must be in place before program code is imported):
 *
 *   let mocks: PulumiMockHarness;
 *   let Vault: typeof import("../../components/backupVault").BackupVault;
 *   beforeAll(async () => {
 *     mocks = await setupPulumiMocks({ config: { backup: { retentionDays: 35 } } });
 *     ({ BackupVault: Vault } = await import("../../components/backupVault"));
 *   });
 *   beforeEach(() => mocks.reset());
 *   test("...", async () => {
 *     const vault = new Vault("vault", {...});
 *     await mocks.settle(vault.bucketName);          // wait for registrations
 *     expect(mocks.ofType("aws:s3/bucket:Bucket")).toHaveLength(1);
 *   });
 *
 * Every registered resource is recorded with its inputs, secrets unwrapped (the names of the
 * top-level inputs that were secret are kept in `secretInputs`), so tests can assert exact values,
 * and with the options the SDK sent (protect, retainOnDelete, parent, dependencies).
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_INVOKES, InvokeAnswer, defaultState } from "./mockState";

export { MOCK_ACCOUNT_ID, MOCK_PARTITION, MOCK_REGION } from "./mockState";
export type { InvokeAnswer } from "./mockState";

/** Pulumi marks a secret value on the wire with this signature key. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs with every secret wrapper replaced by its plain value. */
  readonly inputs: Record<string, any>;
  /** Top-level input names whose value (or part of it) was a secret. */
  readonly secretInputs: readonly string[];
  /** false for component resources. */
  readonly custom: boolean;
  readonly id: string | undefined;
  readonly state: Record<string, any>;
  /** Resource options as the SDK sent them to the engine (mocks do not see them otherwise). */
  readonly options: RecordedOptions;
}

export interface RecordedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  /** URN of the parent resource ("" for the stack itself). */
  readonly parent: string;
  /**
   * URNs the resource depends on, as sent to the engine: `dependsOn` plus the resources its
   * inputs came from (the engine waits for all of them before creating or updating it).
   */
  readonly dependencies: readonly string[];
}

const NO_OPTIONS: RecordedOptions = {
  protect: false,
  retainOnDelete: false,
  deleteBeforeReplace: false,
  ignoreChanges: [],
  parent: "",
  dependencies: [],
};

/** The registerResource request fields we read (generated protobuf getters). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean | undefined;
  getIgnorechangesList(): string[];
  getParent(): string;
  getDependenciesList(): string[];
}

export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Record<string, any>;
}

export type StateFactory = (args: {
  type: string;
  name: string;
  inputs: Record<string, any>;
}) => Record<string, any> | undefined;

export interface PulumiMockOptions {
  /** Project name; config keys without a namespace get it as prefix. Default "bloom-dr". */
  readonly project?: string;
  /** Stack name. Default "test". */
  readonly stack?: string;
  /** Preview mode (unknown outputs stay unknown). Default false. */
  readonly preview?: boolean;
  /** Stack config; objects are JSON-encoded. Keys without ":" get the project prefix. */
  readonly config?: Record<string, unknown>;
  /** Config keys (same spelling as in `config`) to mark secret. */
  readonly secretKeys?: readonly string[];
  /** Outputs returned for `new pulumi.StackReference(name)`, keyed by the referenced stack name. */
  readonly stackReferences?: Record<string, Record<string, unknown>>;
  /** Extra output state per resource (merged over the defaults). */
  readonly state?: StateFactory;
  /** Extra or overriding invoke answers by token. */
  readonly invokes?: Record<string, InvokeAnswer>;
}

export interface PulumiMockHarness {
  /** Every resource registered since the last reset, in registration order. */
  readonly resources: RecordedResource[];
  readonly invokes: RecordedInvoke[];
  /** Tokens of invokes that had no mock answer (the invoke rejected; Pulumi drops the message). */
  readonly unansweredInvokes: string[];
  /** Custom and component resources of one type token. */
  ofType(type: string): RecordedResource[];
  /** The one resource with this logical name (throws when missing or ambiguous). */
  named(name: string): RecordedResource;
  /** The one resource of this type (optionally with this name); throws otherwise. */
  one(type: string, name?: string): RecordedResource;
  /** Custom (provider-managed) resources only. */
  customResources(): RecordedResource[];
  /** URNs of every resource the mock monitor knows (parent types are part of a child's URN). */
  urns(): string[];
  /** The URN of the resource with this logical name. */
  urnOf(name: string): string;
  /** Forget recorded resources and invokes (the mock monitor keeps its own map). */
  reset(): void;
  /** Waits for the given outputs and for pending registrations to finish. */
  settle(...outputs: pulumi.Input<unknown>[]): Promise<void>;
  /** Replaces the stack config (same conventions as `options.config`). */
  setConfig(config: Record<string, unknown>, secretKeys?: readonly string[]): void;
}

/** Replaces every Pulumi secret wrapper inside `value` by the wrapped plain value. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG_VALUE) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

function containsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG_VALUE) return true;
    return Object.values(record).some(containsSecret);
  }
  return false;
}

/** Resolves a Pulumi output (or plain value) to its value; works for secrets too. */
export function valueOf<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(input).apply((value) => resolve(value as T)));
}

/** Whether an output is marked secret. */
export function isSecretOutput(input: pulumi.Input<unknown>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(input));
}

/** Drains Pulumi's outstanding RPCs (registerResource/invoke) so that every resource is recorded. */
async function waitForRegistrations(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  for (let round = 0; round < 3; round++) {
    if (settings.waitForRPCs) await settings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function encodeConfig(project: string, config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      qualify(project, key),
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/** Installs Pulumi mocks and config; call before importing program code. */
export async function setupPulumiMocks(options: PulumiMockOptions = {}): Promise<PulumiMockHarness> {
  const project = options.project ?? "bloom-dr";
  const stack = options.stack ?? "test";
  const resources: RecordedResource[] = [];
  const invokes: RecordedInvoke[] = [];
  const unansweredInvokes: string[] = [];
  const invokeAnswers = { ...DEFAULT_INVOKES, ...(options.invokes ?? {}) };

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = unwrapSecrets(args.inputs ?? {}) as Record<string, any>;
      const secretInputs = Object.entries(args.inputs ?? {})
        .filter(([, value]) => containsSecret(value))
        .map(([key]) => key);
      const base = defaultState(args.type, args.name, inputs);
      let state: Record<string, any> = { ...inputs, ...base.state };
      if (args.type === "pulumi:pulumi:StackReference") {
        const referenced = String(inputs.name ?? args.name);
        const outputs = options.stackReferences?.[referenced];
        if (!outputs)
          throw new Error(
            `pulumiMocks: no outputs configured for StackReference "${referenced}" (pass stackReferences)`,
          );
        state = { name: referenced, outputs, secretOutputNames: [] };
      }
      state = { ...state, ...(options.state?.({ type: args.type, name: args.name, inputs }) ?? {}) };
      const id = args.custom === false ? undefined : base.id;
      const resourceOptions = sentOptions.get(`${args.type}::${args.name}`) ?? NO_OPTIONS;
      resources.push({
        type: args.type,
        name: args.name,
        inputs,
        secretInputs,
        custom: args.custom !== false,
        id,
        state,
        options: resourceOptions,
      });
      return { id, state };
    },
    call(args) {
      const answer = invokeAnswers[args.token];
      if (!answer) unansweredInvokes.push(args.token);
      if (!answer) throw new Error(`pulumiMocks: unmocked invoke ${args.token}`);
      const inputs = unwrapSecrets(args.inputs ?? {}) as Record<string, any>;
      invokes.push({ token: args.token, inputs });
      return answer(inputs);
    },
  };

  await pulumi.runtime.setMocks(mocks, project, stack, options.preview ?? false);

  // Mocks never see resource options; the request the SDK sends to the (mock) monitor has them.
  const sentOptions = new Map<string, RecordedOptions>();
  const mockMonitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: RegisterRequest, callback: unknown): unknown;
  };
  const registerResource = mockMonitor.registerResource.bind(mockMonitor);
  mockMonitor.registerResource = (request, callback) => {
    sentOptions.set(`${request.getType()}::${request.getName()}`, {
      protect: request.getProtect() === true,
      retainOnDelete: request.getRetainondelete() === true,
      deleteBeforeReplace: request.getDeletebeforereplace() === true,
      ignoreChanges: request.getIgnorechangesList(),
      parent: request.getParent(),
      dependencies: request.getDependenciesList(),
    });
    return registerResource(request, callback);
  };

  const setConfig = (config: Record<string, unknown>, secretKeys: readonly string[] = []) => {
    pulumi.runtime.setAllConfig(
      encodeConfig(project, config),
      secretKeys.map((key) => qualify(project, key)),
    );
  };
  setConfig(options.config ?? {}, options.secretKeys);

  const monitor = () =>
    pulumi.runtime.getMonitor() as unknown as { getRegisteredResources?: () => Map<string, unknown> };

  const harness: PulumiMockHarness = {
    resources,
    invokes,
    unansweredInvokes,
    ofType: (type) => resources.filter((resource) => resource.type === type),
    named(name) {
      const matches = resources.filter((resource) => resource.name === name);
      if (matches.length !== 1)
        throw new Error(`pulumiMocks: expected one resource named "${name}", found ${matches.length}`);
      return matches[0];
    },
    one(type, name) {
      const matches = resources.filter(
        (resource) => resource.type === type && (name === undefined || resource.name === name),
      );
      if (matches.length !== 1)
        throw new Error(`pulumiMocks: expected one ${type}${name ? ` named "${name}"` : ""}, found ${matches.length}`);
      return matches[0];
    },
    customResources: () => resources.filter((resource) => resource.custom),
    urns: () => [...(monitor().getRegisteredResources?.().keys() ?? [])],
    urnOf(name) {
      const matches = harness.urns().filter((urn) => urn.endsWith(`::${name}`));
      if (matches.length !== 1) throw new Error(`pulumiMocks: expected one URN for "${name}", found ${matches.length}`);
      return matches[0];
    },
    reset() {
      resources.length = 0;
      invokes.length = 0;
      unansweredInvokes.length = 0;
    },
    async settle(...outputs) {
      await Promise.all(outputs.map((output) => valueOf(output)));
      // Registrations started inside applies finish later: wait for the runtime's RPC queue.
      await waitForRegistrations();
    },
    setConfig,
  };
  return harness;
}
