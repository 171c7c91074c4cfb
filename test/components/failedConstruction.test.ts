/** The helper the "rejects ... before creating anything" tests rely on can see a premature child. */
import * as pulumi from "@pulumi/pulumi";
import { PulumiMockHarness, setupPulumiMocks } from "../support/pulumiMocks";
import { constructionFailure } from "./support/failedConstruction";

let mocks: PulumiMockHarness;
let aws: typeof import("@pulumi/aws");

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  aws = await import("@pulumi/aws");
});
beforeEach(() => mocks.reset());

/** A component that validates too late: it creates a child, then throws. */
function lateValidator(name: string, childFirst: boolean): pulumi.ComponentResource {
  return new (class extends pulumi.ComponentResource {
    constructor() {
      super("bloom-dr:test:LateValidator", name, {}, {});
      if (childFirst) new aws.sqs.Queue(`${name}-queue`, {}, { parent: this });
      throw new Error(`${name}: bad args`);
    }
  })();
}

test("a child created before the throw is reported once registrations settle", async () => {
  expect(await constructionFailure(mocks, "late", () => lateValidator("late", true))).toEqual({
    error: "late: bad args",
    children: ["late-queue"],
  });
});

test("a constructor that throws first leaves no child (the component itself is not a child)", async () => {
  expect(await constructionFailure(mocks, "early", () => lateValidator("early", false))).toEqual({
    error: "early: bad args",
    children: [],
  });
  expect(mocks.resources.map((resource) => resource.name)).toEqual(["early"]);
});

test("a constructor that does not throw is a test error, not a pass", async () => {
  await expect(constructionFailure(mocks, "fine", () => undefined)).rejects.toThrow(
    'constructing "fine" did not throw',
  );
});
