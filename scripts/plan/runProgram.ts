/**
 * Runs the real Pulumi program (index.ts) in this process under `pulumi.runtime.setMocks`,
 * with a stack's config, and returns every resource it registered. A process can run the
 * program once (Pulumi's runtime state is global): the CLI and the tests start one process
 * per plan.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { planMocks } from "./mockProviders";
import { PlannedResource, recordRegistrations, SECRET_MASK } from "./recorder";
import { StackConfig } from "./stackConfig";

export interface ProgramRun {
  resources: PlannedResource[];
  /** The program's stack outputs, secret ones masked. */
  outputs: Record<string, unknown>;
  /** What the program warned about (pulumi.log.warn), as `pulumi up` would print it. */
  warnings: string[];
}

/** How @pulumi/pulumi prints a warning when no engine is attached (under mocks). */
const RUNTIME_WARNING = "warning: [runtime] ";

export interface ProgramOptions {
  project: string;
  stack: string;
  config: StackConfig;
  /** Absolute path of the program's entry module. */
  programPath: string;
  stackReferences: Record<string, Record<string, unknown>>;
  region?: string;
  /** The Pulumi organization the program sees; default a local backend's, "organization". */
  organization?: string;
}

/** What `pulumi.getOrganization()` returns for every stack of a local (file) backend. */
export const LOCAL_BACKEND_ORGANIZATION = "organization";

/** Drains the runtime's outstanding RPCs; registrations made inside applies finish late. */
async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  for (let round = 0; round < 3; round++) {
    await settings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Under mocks a whole stack settles in seconds; an output still pending after this never will. */
const OUTPUT_DEADLINE_MS = 120_000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `plan: the program's outputs did not resolve within ${ms / 1000} s; an output depends on something the mocks never answer`,
          ),
        ),
      ms,
    );
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Each exported value resolved; secret outputs become "[secret]" here already, as the CLI would show them. */
async function resolveOutputs(exported: Record<string, unknown>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(exported).map(async ([key, value]) => {
      const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
      const [resolved, secret] = await Promise.all([
        new Promise<unknown>((resolve) => output.apply((v) => resolve(v))),
        pulumi.isSecret(output),
      ]);
      return [key, secret ? SECRET_MASK : resolved] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The stack outputs of a loaded program module, as the Pulumi Node host takes them: `export =`
 * arrives as the module's default, named exports as its properties; an exported function is
 * called and a promise awaited (index.ts exports an async function).
 */
export async function programOutputs(program: Record<string, unknown>): Promise<Record<string, unknown>> {
  let value: unknown = program.default !== undefined && program.default !== null ? program.default : program;
  if (typeof value === "function") value = (value as () => unknown)();
  value = await value;
  if (value === null || typeof value !== "object") return {};
  const exported: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (value === program) delete exported.default;
  return exported;
}

export async function runProgram(options: ProgramOptions): Promise<ProgramRun> {
  const mocks = planMocks({ region: options.region, stackReferences: options.stackReferences });
  await pulumi.runtime.setMocks(
    mocks,
    options.project,
    options.stack,
    false,
    options.organization ?? LOCAL_BACKEND_ORGANIZATION,
  );
  const resources = recordRegistrations();
  pulumi.runtime.setAllConfig(options.config.values, options.config.secretKeys);

  // An error thrown inside an apply surfaces as an unhandled rejection: collect it as the program's failure.
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  // Warnings are part of the plan (the report lists them), not noise on stderr.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(" ");
    if (line.startsWith(RUNTIME_WARNING)) warnings.push(line.slice(RUNTIME_WARNING.length));
    else consoleWarn(...args);
  };
  try {
    const exported = await programOutputs(await import(path.resolve(options.programPath)));
    const outputs = await withDeadline(resolveOutputs(exported), OUTPUT_DEADLINE_MS);
    await settle();
    if (failures.length > 0) throw failures[0];
    return { resources, outputs, warnings };
  } catch (error) {
    // A failed invoke reaches the program without its message: name what the mocks refused.
    throw mocks.failures[0] ?? error;
  } finally {
    console.warn = consoleWarn;
    process.off("unhandledRejection", onRejection);
  }
}
