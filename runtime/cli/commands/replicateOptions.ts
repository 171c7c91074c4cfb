import { parseConnectionUrl } from "../../lib/postgres/connectionUrl";
import { DEFAULT_PUBLICATION, DEFAULT_SUBSCRIPTION, replicationNameProblem } from "../../lib/replicate/settings";
import { CommandContext, OptionSpec, stringOption, UsageError } from "../command";

/**
 * Options shared by `replicate setup|status|stop` (and read the same way by each): light modules
 * only, so `--help` loads nothing of the engine.
 */
export const REPLICATE_OPTIONS = {
  source: {
    type: "string",
    value: "URL",
    description: "the primary (Neon: the direct host, not -pooler) as a role with REPLICATION that owns the tables",
  },
  target: {
    type: "string",
    value: "URL",
    required: true,
    description: "the replica (the RDS failover instance) as its master user",
  },
  publication: {
    type: "string",
    value: "NAME",
    default: DEFAULT_PUBLICATION,
    description: "the publication on the source",
  },
  subscription: {
    type: "string",
    value: "NAME",
    default: DEFAULT_SUBSCRIPTION,
    description: "the subscription on the target (its slot on the source has the same name)",
  },
} satisfies Record<string, OptionSpec>;

/** A URL option checked for shape (exit 2 when malformed); undefined when not given and not required. */
export function urlOption(ctx: CommandContext, name: string, required: true): string;
export function urlOption(ctx: CommandContext, name: string, required?: false): string | undefined;
export function urlOption(ctx: CommandContext, name: string, required = false): string | undefined {
  const url = stringOption(ctx, name);
  if (url === undefined) {
    if (required) throw new UsageError(`--${name} is required: a postgresql:// URL`);
    return undefined;
  }
  try {
    parseConnectionUrl(url, `--${name}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return url;
}

/** --publication / --subscription, checked (a plain identifier). */
export function nameOption(ctx: CommandContext, kind: "publication" | "subscription"): string {
  const name = stringOption(ctx, kind) ?? (kind === "publication" ? DEFAULT_PUBLICATION : DEFAULT_SUBSCRIPTION);
  const problem = replicationNameProblem(kind, name);
  if (problem) throw new UsageError(`--${kind}: ${problem}`);
  return name;
}
