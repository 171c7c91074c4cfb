/**
 * Runs index.ts the way the Pulumi Node host does: its export is an async function (the dr
 * builder checks live state before declaring resources), called and awaited; its result is the
 * stack's outputs.
 */
export async function runIndex(): Promise<Record<string, any>> {
  const loaded = (await import("../../index")) as unknown as { default?: unknown };
  const main = typeof loaded === "function" ? loaded : loaded.default;
  if (typeof main !== "function") throw new Error("index.ts must export a function (export = async () => ...)");
  return (await main()) as Record<string, any>;
}
