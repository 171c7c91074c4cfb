import type { Client } from "pg";
import { connectDatabase, describeDatabase } from "../backup/database";
import { parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";
import { REPLICATION_TABLE } from "../promote/markerSchema";
import { lockTarget } from "../restore/targetLock";
import { readSlot } from "./lag";
import { DEFAULT_SUBSCRIPTION, replicationNameProblem } from "./settings";
import { readSubscription, removeSubscription } from "./subscription";

export interface ReplicateStopOptions {
  targetUrl: string;
  /** With the source: its slot is checked and, if the subscription could not drop it, dropped here. */
  sourceUrl?: string;
  subscription?: string;
}

export interface ReplicateStopResult {
  /** The subscription is gone and so is its slot on the source. */
  ok: boolean;
  action: "stop";
  subscription: string;
  target: string;
  source: string | null;
  /** The subscription existed and was dropped by this run. */
  dropped: boolean;
  /** The slot on the source: dropped, absent, or left there (and why). */
  slot: { name: string; state: "dropped" | "absent" | "left"; reason?: string } | null;
  problems: string[];
}

/**
 * Ends replication into the target: the subscription is disabled and dropped, and its slot on the
 * source with it (an abandoned slot makes the source keep WAL forever). When the source cannot be
 * reached the subscription is still dropped, and the slot is reported as left there, with the
 * command that drops it later. The replica keeps its data. Takes the target's bloom-dr lock.
 */
export async function runReplicateStop(options: ReplicateStopOptions): Promise<ReplicateStopResult> {
  const name = options.subscription ?? DEFAULT_SUBSCRIPTION;
  const badName = replicationNameProblem("subscription", name);
  if (badName) throw new Error(badName);
  const target = describeDatabase(options.targetUrl);
  const secrets = [parseConnectionUrl(options.targetUrl, "target database URL").password];
  if (options.sourceUrl) secrets.push(parseConnectionUrl(options.sourceUrl, "source database URL").password);
  const problems: string[] = [];
  let dst: Client | undefined;
  let src: Client | undefined;
  try {
    dst = await connectDatabase(options.targetUrl, "target database");
    await lockTarget(dst, target);
    const sub = await readSubscription(dst, name);
    if (sub && !sub.manageable)
      throw new Error(
        `subscription ${name} on ${target} belongs to ${sub.owner}: connect to the target as ${sub.owner}`,
      );
    let sourceError: string | undefined;
    if (options.sourceUrl) {
      src = await connectDatabase(options.sourceUrl, "source database").catch((err: Error) => {
        sourceError = err.message;
        return undefined;
      });
    }
    const slotName = sub?.slot ?? name;
    let slot: ReplicateStopResult["slot"] = null;
    if (sub) {
      const removal = await removeSubscription(dst, name, { sourceGone: sourceError !== undefined });
      if (removal.slot)
        slot = removal.slotDropped
          ? { name: removal.slot, state: "dropped" }
          : { name: removal.slot, state: "left", reason: sourceError ?? removal.slotLeftBecause };
    }
    await dst.query(`DELETE FROM ${REPLICATION_TABLE}`).catch(() => undefined);
    if (src) {
      const onSource = await readSlot(src, slotName);
      if (!onSource) slot = slot?.state === "dropped" ? slot : { name: slotName, state: "absent" };
      else if (onSource.active)
        problems.push(
          `slot ${slotName} on the source is in use by another subscriber: not dropped (stop that replica, then run this again)`,
        );
      else {
        await src.query("SELECT pg_catalog.pg_drop_replication_slot($1)", [slotName]);
        slot = { name: slotName, state: "dropped" };
      }
    }
    if (slot?.state === "left")
      problems.push(
        `slot ${slot.name} is left on the source (${slot.reason ?? "it could not be reached"}), where it keeps WAL until dropped: once it is reachable, run bloom-dr replicate stop --target URL --source URL --subscription ${name} (or SELECT pg_drop_replication_slot('${slot.name}') there)`,
      );
    return {
      ok: problems.length === 0,
      action: "stop",
      subscription: name,
      target,
      source: options.sourceUrl ? describeDatabase(options.sourceUrl) : null,
      dropped: sub !== undefined,
      slot,
      problems: problems.map((p) => redactSecrets(p, secrets)),
    };
  } catch (err) {
    const message = redactSecrets((err as Error).message.split("\n")[0], secrets);
    throw new Error(/^refusing to/.test(message) ? message : `replicate stop on ${target} failed: ${message}`);
  } finally {
    await src?.end().catch(() => undefined);
    await (dst as Client | undefined)?.end().catch(() => undefined);
  }
}
