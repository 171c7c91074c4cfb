import type { Client } from "pg";
import { appRoleProblem } from "../promote/appRole";
import { MARKER_SCHEMA } from "../promote/markerSchema";
import { userObjects } from "../restore/target";
import { readSlot } from "./lag";
import { publicationMatches, readPublication } from "./publication";
import { inspectSource, SourceFacts, sourceProblem } from "./source";
import { readSubscription, subscriptionCreateProblem, subscriptionNames, SubscriptionState } from "./subscription";
import { replicatedTables } from "./tables";

/** What setup will do, decided before anything changes. */
export interface SetupPlan {
  /** A subscription is created (the target is empty, cleaned, or rebuilt). */
  fresh: boolean;
  /** The existing subscription cannot resume (its slot is gone): removed, the target emptied, all copied again. */
  rebuild: boolean;
  facts: SourceFacts;
  /** The tables the publication will list. */
  tables: string[];
  existing: SubscriptionState | undefined;
  /** An inactive slot of the subscription's name on the source, left by an earlier replica: dropped first. */
  staleSlot: boolean;
  /** The target holds no user object (nothing to empty). */
  empty: boolean;
}

/**
 * Every check setup makes before it changes anything, and what it will do: the source can publish
 * (sourceProblem), the target holds this subscription (resumable, or rebuilt with clean) or none
 * (then it may subscribe, the app role is usable, it is empty or clean is given, and no other
 * subscriber uses the slot's name), and an existing replica has every source table. Throws the
 * refusal as one line; reads only.
 */
export async function planSetup(
  src: Client,
  dst: Client,
  args: {
    publication: string;
    subscription: string;
    appRole: string;
    clean: boolean;
    /** host:port/database of each side, for messages. */
    source: string;
    target: string;
    note: (text: string) => void;
  },
): Promise<SetupPlan> {
  const facts = await inspectSource(src);
  const tables = facts.tables.map((t) => t.name);
  const existing = await readSubscription(dst, args.subscription);
  const others = (await subscriptionNames(dst)).filter((n) => n !== args.subscription);
  if (!existing && others.length > 0)
    throw new Error(
      `refusing to replicate into ${args.target}: it holds another subscription (${others.join(", ")}); stop it first (bloom-dr replicate stop --subscription ${others[0]}) or pass --subscription ${others[0]}`,
    );
  let rebuild = false;
  if (existing) {
    if (!existing.manageable)
      throw new Error(
        `subscription ${args.subscription} on ${args.target} belongs to ${existing.owner}: connect to the target as ${existing.owner}`,
      );
    if (!existing.publications.includes(args.publication))
      throw new Error(
        `subscription ${args.subscription} on ${args.target} subscribes to ${existing.publications.join(", ")}, not ${args.publication}: stop it first (bloom-dr replicate stop) or pass --publication ${existing.publications[0]}`,
      );
    const slot = existing.slot ? await readSlot(src, existing.slot) : undefined;
    if (!slot) {
      const why = existing.slot
        ? `its slot ${existing.slot} no longer exists on the source (Neon removes inactive slots, and a branch restore removes them all)`
        : "it has no slot on the source";
      if (!args.clean)
        throw new Error(
          `subscription ${args.subscription} on ${args.target} cannot resume: ${why}; rebuild the replica with setup --clean (its data is copied again)`,
        );
      args.note(`subscription ${args.subscription} cannot resume (${why}): rebuilding the replica`);
      rebuild = true;
    }
  }
  const fresh = !existing || rebuild;
  const problem = sourceProblem(
    facts,
    { publish: !publicationMatches(await readPublication(src, args.publication), tables), slot: fresh },
    args.source,
  );
  if (problem) throw new Error(problem);
  if (fresh) {
    const cannotSubscribe = await subscriptionCreateProblem(dst);
    if (cannotSubscribe)
      throw new Error(`refusing to replicate into ${args.target}: ${cannotSubscribe}; nothing was changed`);
    const roleProblem = await appRoleProblem(dst, args.appRole);
    if (roleProblem) throw new Error(`refusing to replicate into ${args.target}: ${roleProblem}; nothing was changed`);
    const present = (await userObjects(dst)).filter((o) => !o.split(" ").at(-1)!.startsWith(`${MARKER_SCHEMA}.`));
    if (present.length > 0 && !args.clean && !rebuild)
      throw new Error(
        `refusing to replicate into ${args.target}: it is not empty and holds no subscription (${present.length} user objects, e.g. ${present.slice(0, 3).join(", ")}); replicate into an empty database, or pass --clean to drop every user schema first`,
      );
    const slot = await readSlot(src, args.subscription);
    if (slot?.active && !existing)
      throw new Error(
        `refusing to replicate into ${args.target}: the slot ${args.subscription} on the source is in use by another subscriber; pick another --subscription name, or stop the other replica`,
      );
    return { fresh, rebuild, facts, tables, existing, staleSlot: slot !== undefined, empty: present.length === 0 };
  }
  const onTarget = new Set((await replicatedTables(dst)).map((t) => t.name));
  const missing = tables.filter((t) => !onTarget.has(t));
  if (missing.length > 0)
    throw new Error(
      `${missing.length} table(s) of the source are not on the replica ${args.target}: ${missing.join(", ")}; apply the migration to the replica too (bloom-dr migrate run --also URL) and run setup again, or rebuild it with setup --clean`,
    );
  return { fresh, rebuild, facts, tables, existing, staleSlot: false, empty: false };
}
