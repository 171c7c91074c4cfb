import { quoteIdent, withClient } from "../../../runtime/lib/platform/sql";

test.each([
  ["reservations", '"reservations"'],
  ["public.reservations", '"public"."reservations"'],
  ['bad"; DROP TABLE x; --', '"bad""; DROP TABLE x; --"'],
])("quoteIdent(%s)", (name, quoted) => {
  expect(quoteIdent(name)).toBe(quoted);
});

test("an unreachable server is one line naming it (password hidden) and what to check", async () => {
  const error = await withClient("postgresql://postgres:s3cret-pass@127.0.0.1:1/bloom", async () => undefined).catch(
    (e: Error) => e,
  );
  expect((error as Error).message).toMatch(
    /^cannot connect to postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/bloom: connect ECONNREFUSED 127\.0\.0\.1:1: check that the server is running and reachable from here$/,
  );
  expect((error as Error).message).not.toContain("s3cret-pass");
});
