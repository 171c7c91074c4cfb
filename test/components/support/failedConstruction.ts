/**
 * What a component constructor that threw managed to register first. Pulumi registers resources
 * asynchronously, so a check made right after the throw sees nothing whatever happened: this waits
 * for the runtime's pending registrations before it looks, so a child created before the
 * validation is reported.
 */
import type { PulumiMockHarness } from "../../support/pulumiMocks";

export interface FailedConstruction {
  /** The constructor's error message. */
  readonly error: string;
  /** Logical names of the resources registered under the component's name prefix (`<name>-...`). */
  readonly children: string[];
}

export async function constructionFailure(
  mocks: PulumiMockHarness,
  name: string,
  construct: () => unknown,
): Promise<FailedConstruction> {
  let error: string | undefined;
  try {
    construct();
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  if (error === undefined) throw new Error(`constructionFailure: constructing "${name}" did not throw`);
  await mocks.settle();
  const children = mocks.resources.filter((resource) => resource.name.startsWith(`${name}-`)).map((r) => r.name);
  return { error, children };
}
