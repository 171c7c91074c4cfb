import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { DRILL_NAMES } from "../../../runtime/lib/drills/types";
import { leftovers, makeParent, NOTHING_LEFT, ownerRoleFactory, removeParent, runLocalDrill } from "./harness";

/**
 * The drills' engine steps (seeding, backup, restore, verify, row recovery, smoke checks) connect
 * to the Bloom database as its owner role, never a superuser, as they do on Neon and RDS.
 */
let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("owner-role-drills");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

test.each(DRILL_NAMES)("the %s drill passes as the database's owner role", async (name) => {
  const result = await runLocalDrill(name, parent, { openPlatform: ownerRoleFactory(parent) });
  expect(result.details.failure).toBeUndefined();
  expect(result.passed).toBe(true);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});
