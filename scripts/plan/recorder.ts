/**
 * Records every resource the program registers with the (mock) resource monitor, with what the
 * Pulumi engine would hand the policy pack: inputs, outputs, parent, dependencies, property
 * dependencies and options (protect...). Mocks alone do not see URNs, parents or
 * dependencies, so the monitor's registerResource/readResource are wrapped.
 */
import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(struct: unknown): Record<string, any> };

/** Pulumi's wire marker for a secret value. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const SECRET_MASK = "[secret]";

export interface PlannedResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** Registered with an existing id (a read, e.g. a StackReference). */
  read: boolean;
  /** Inputs with secret markers kept (see `unwrapSecrets`, `maskSecrets`). */
  inputs: Record<string, any>;
  /** Outputs as the mock provider answered them, secret markers kept. */
  outputs: Record<string, any>;
  parentUrn?: string;
  dependencyUrns: string[];
  propertyDependencyUrns: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
}

function isSecretValue(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function mapSecrets(value: unknown, onSecret: (inner: unknown) => unknown): unknown {
  if (isSecretValue(value)) return onSecret(value.value);
  if (Array.isArray(value)) return value.map((item) => mapSecrets(item, onSecret));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, onSecret)]));
  }
  return value;
}

/** Plain values, as the policy engine sees them (it decrypts secrets before analysis). */
export function unwrapSecrets<T>(value: T): T {
  return mapSecrets(value, (inner) => unwrapSecrets(inner)) as T;
}

/** Every secret replaced by "[secret]": what the plan may print. */
export function maskSecrets<T>(value: T): T {
  return mapSecrets(value, () => SECRET_MASK) as T;
}

type Callback = (error: unknown, response: any) => void;
interface MonitorLike {
  registerResource(req: any, callback: Callback): Promise<void>;
  readResource(req: any, callback: Callback): Promise<void>;
}

function propertyDependencies(req: any): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const map = req.getPropertydependenciesMap?.();
  if (!map) return result;
  for (const [key, dependencies] of map.entries() as Iterable<[string, { getUrnsList(): string[] }]>) {
    result[key] = dependencies.getUrnsList();
  }
  return result;
}

/** Wraps the active mock monitor (call right after `setMocks`); returns the live list of records. */
export function recordRegistrations(): PlannedResource[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike | undefined;
  if (!monitor) throw new Error("plan: no resource monitor; call pulumi.runtime.setMocks first");
  const records: PlannedResource[] = [];
  const registerResource = monitor.registerResource.bind(monitor);
  const readResource = monitor.readResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    registerResource(req, (error, response) => {
      if (!error) {
        records.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          custom: req.getCustom(),
          read: false,
          inputs: rpc.deserializeProperties(req.getObject()),
          outputs: rpc.deserializeProperties(response.getObject()),
          ...(req.getParent() ? { parentUrn: req.getParent() } : {}),
          dependencyUrns: req.getDependenciesList(),
          propertyDependencyUrns: propertyDependencies(req),
          protect: req.getProtect?.() === true,
          retainOnDelete: req.getRetainondelete?.() === true,
        });
      }
      callback(error, response);
    });
  monitor.readResource = (req, callback) =>
    readResource(req, (error, response) => {
      if (!error) {
        records.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          custom: true,
          read: true,
          inputs: rpc.deserializeProperties(req.getProperties()),
          outputs: rpc.deserializeProperties(response.getProperties()),
          ...(req.getParent() ? { parentUrn: req.getParent() } : {}),
          dependencyUrns: req.getDependenciesList?.() ?? [],
          propertyDependencyUrns: {},
          protect: false,
          retainOnDelete: false,
        });
      }
      callback(error, response);
    });
  return records;
}
