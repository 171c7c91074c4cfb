import type { Client } from "pg";
import { connectDatabase, describeDatabase, serverVersion } from "../backup/database";
import { describeSchema } from "../backup/schemaFingerprint";
import { directHostFor, isNeonPooledHost, parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";
import { prepareAppRole, transferOwnership } from "../promote/appRole";
import { describeServing, readServingMarker } from "../promote/marker";
import { DEFAULT_APP_ROLE, appRoleNameProblem } from "../promote/settings";
import { emptyTarget } from "../restore/target";
import { lockTarget } from "../restore/targetLock";
import { subscriptionConninfo } from "./conninfo";
import { probeLag } from "./lag";
import { ensurePublication } from "./publication";
import { readReplicationRecord, writeSetupRecord } from "./record";
import { copyMigrationHistory, copySchema } from "./schemaCopy";
import { compareSchemas, SchemaComparison } from "./schemaDiff";
import {
  DEFAULT_PUBLICATION,
  DEFAULT_SUBSCRIPTION,
  DEFAULT_SYNC_WAIT_SECONDS,
  replicationNameProblem,
} from "./settings";
import { planSetup } from "./setupPlan";
import {
  createSubscription,
  readSubscription,
  removeSubscription,
  SubscribedTable,
  waitUntilReady,
} from "./subscription";
import { inTransaction } from "../platform/sql";

export type SetupPhase = "check" | "schema" | "publication" | "subscription" | "copy";

export interface ReplicateSetupOptions {
  /** The primary (Neon, direct host) as a role with REPLICATION that owns the tables. */
  sourceUrl: string;
  /** The replica (the RDS failover instance) as its master user. */
  targetUrl: string;
  publication?: string;
  subscription?: string;
  /** The role that owns the replica's objects, as promote leaves them (default bloom_app; created NOLOGIN when missing). */
  appRole?: string;
  /** Replace a target that is not empty and holds no subscription (never one marked serving). */
  clean?: boolean;
  /** How long to wait for the initial copy; default 600 s. */
  waitSeconds?: number;
  now?: () => Date;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  tempDir?: string;
  onPhase?: (phase: SetupPhase, state: "start" | "done") => void;
  onNotice?: (text: string) => void;
}

export interface ReplicateSetupResult {
  ok: true;
  action: "setup";
  /** false: everything was already as asked (a second setup). */
  changed: boolean;
  /** How many tables are replicated. */
  tables: number;
  publication: string;
  subscription: string;
  source: string;
  target: string;
  /** What this run changed, in order ("schema copied into …", "publication created", …). */
  steps: string[];
  tableStates: SubscribedTable[];
  /** The schemas compared after setup (a difference is reported, not fatal: see status). */
  schema: SchemaComparison;
  warnings: string[];
}

/**
 * Makes the target a logical replica of the source, or checks that it is one (idempotent: a second
 * run changes nothing). Every check that can refuse runs before anything is created: the source
 * can publish (wal_level, REPLICATION, every table with a key, ownership), the target is not
 * serving, may hold a subscription, and is empty or already this replica. Then: the schema is
 * copied (owned by the app role, as promote leaves it), the publication lists every table, the
 * subscription is created, and setup returns once every table's initial copy is done.
 */
export async function runReplicateSetup(options: ReplicateSetupOptions): Promise<ReplicateSetupResult> {
  const now = options.now ?? (() => new Date());
  const publication = options.publication ?? DEFAULT_PUBLICATION;
  const subscription = options.subscription ?? DEFAULT_SUBSCRIPTION;
  const appRole = options.appRole ?? DEFAULT_APP_ROLE;
  const badName =
    replicationNameProblem("publication", publication) ??
    replicationNameProblem("subscription", subscription) ??
    appRoleNameProblem(appRole);
  if (badName) throw new Error(badName);
  const sourceParts = parseConnectionUrl(options.sourceUrl, "source database URL");
  const targetParts = parseConnectionUrl(options.targetUrl, "target database URL");
  if (isNeonPooledHost(sourceParts.host))
    throw new Error(
      `${sourceParts.host} is a Neon pooled (PgBouncer) endpoint, which cannot replicate: use the direct host ${directHostFor(sourceParts.host)}`,
    );
  const source = describeDatabase(options.sourceUrl);
  const target = describeDatabase(options.targetUrl);
  if (source === target) throw new Error(`the source and the target are the same database (${target})`);
  const secrets = [sourceParts.password, targetParts.password];
  const phase = async <T>(name: SetupPhase, run: () => Promise<T>): Promise<T> => {
    options.onPhase?.(name, "start");
    const value = await run();
    options.onPhase?.(name, "done");
    return value;
  };
  const steps: string[] = [];
  const warnings: string[] = [];
  const note = (text: string) => {
    warnings.push(text);
    options.onNotice?.(`replicate setup: ${text}`);
  };

  let src: Client | undefined;
  let dst: Client | undefined;
  try {
    const plan = await phase("check", async () => {
      dst = await connectDatabase(options.targetUrl, "target database");
      await lockTarget(dst, target);
      const serving = await readServingMarker(dst);
      if (serving)
        throw new Error(
          `refusing to replicate into ${target}: it is marked ${describeServing(serving)}; a serving database is never replaced by anything automated`,
        );
      src = await connectDatabase(options.sourceUrl, "source database");
      return planSetup(src, dst, {
        publication,
        subscription,
        appRole,
        clean: options.clean === true,
        source,
        target,
        note,
      });
    });
    const db = dst!;
    const up = src!;
    const minMajor = Math.max(plan.facts.server.major, (await serverVersion(db)).major);

    if (plan.fresh) {
      await phase("schema", async () => {
        if (plan.rebuild) {
          const removed = await removeSubscription(db, subscription, { sourceGone: true });
          steps.push(
            `subscription ${subscription} removed${removed.slot ? ` (its slot ${removed.slot} was gone)` : ""}`,
          );
        }
        if (!plan.empty) {
          const dropped = await emptyTarget(db, (await serverVersion(db)).major);
          steps.push(`target emptied (schemas ${dropped.join(", ")} dropped)`);
        }
        await copySchema({
          sourceUrl: options.sourceUrl,
          targetUrl: options.targetUrl,
          minMajor,
          env: options.env,
          tempDir: options.tempDir,
          signal: options.signal,
        });
        const history = await inTransaction(db, async () => {
          const rows = await copyMigrationHistory(
            up,
            db,
            plan.facts.history.map((t) => t.name),
          );
          await prepareAppRole(db, appRole);
          await transferOwnership(db, appRole);
          return rows;
        });
        steps.push(
          `schema copied into ${target} (owned by ${appRole})${history > 0 ? `, ${history} migration history row(s) copied` : ""}`,
        );
      });
    } else {
      const moved = await inTransaction(db, async () => {
        await prepareAppRole(db, appRole);
        return transferOwnership(db, appRole);
      });
      const count = Object.values(moved).reduce((a, b) => a + b, 0);
      if (count > 0) steps.push(`${count} object(s) given to ${appRole}`);
    }

    const published = await phase("publication", () => ensurePublication(up, publication, plan.tables));
    if (published !== "unchanged")
      steps.push(`publication ${publication} ${published} on the source (${plan.tables.length} tables)`);

    const subscribedAt = now();
    await phase("subscription", async () => {
      if (plan.fresh) {
        if (plan.staleSlot) {
          await up.query("SELECT pg_catalog.pg_drop_replication_slot($1)", [subscription]);
          steps.push(`stale slot ${subscription} dropped on the source`);
          note(`an inactive slot named ${subscription} was left on the source by an earlier replica: dropped`);
        }
        const { statementLogging } = await createSubscription(
          db,
          subscription,
          subscriptionConninfo(options.sourceUrl),
          publication,
        );
        if (statementLogging)
          note(
            `the target logs statements (${statementLogging}) and this role may not turn that off for its session: the server log may hold CREATE SUBSCRIPTION with the source's password; rotate that role's password if the log is shared`,
          );
        steps.push(`subscription ${subscription} created on ${target} (slot ${subscription} on the source)`);
        return;
      }
      const state = (await readSubscription(db, subscription))!;
      const subscribed = state.tables.map((t) => t.table);
      if (subscribed.length !== plan.tables.length || subscribed.some((t, i) => t !== plan.tables[i])) {
        const added = plan.tables.filter((t) => !subscribed.includes(t));
        await refuseTablesWithRows(db, added, target);
        await db.query(`ALTER SUBSCRIPTION ${subscription} REFRESH PUBLICATION WITH (copy_data = true)`);
        steps.push(
          `subscription ${subscription} refreshed${added.length > 0 ? ` (added ${added.join(", ")})` : " (tables removed)"}`,
        );
      }
      if (!state.enabled) {
        await db.query(`ALTER SUBSCRIPTION ${subscription} ENABLE`);
        steps.push(`subscription ${subscription} enabled`);
      }
    });

    const ready = await phase("copy", () =>
      waitUntilReady(db, subscription, {
        timeoutMs: (options.waitSeconds ?? DEFAULT_SYNC_WAIT_SECONDS) * 1000,
        signal: options.signal,
        onProgress: (notReady) =>
          options.onNotice?.(`replicate setup: initial copy: ${notReady.length} table(s) not ready yet`),
      }),
    );
    const previous = await readReplicationRecord(db);
    if (steps.length > 0 || !previous) {
      // in sync up to when? Probed on the source; failing that, the initial copy's starting point
      // (a fresh subscription) or what the record said before
      const probe = await probeLag(up, subscription, { capMs: 60_000, clock: now, signal: options.signal });
      const syncedUpTo = probe.caughtUp
        ? probe.readAt
        : !plan.fresh && previous
          ? new Date(previous.syncedUpTo)
          : subscribedAt;
      await writeSetupRecord(db, {
        subscription,
        publication,
        source,
        at: now(),
        syncedUpTo,
        keepSetUpAt: !plan.fresh,
      });
      if (steps.length === 0) steps.push("replication record written");
    }
    const schema = compareSchemas(await describeSchema(up), await describeSchema(db));
    if (!schema.matches)
      note(
        `the schemas differ (${schema.onlyOnSource.length} line(s) only on the source, ${schema.onlyOnTarget.length} only on the replica): see replicate status --source`,
      );
    return {
      ok: true,
      action: "setup",
      changed: steps.length > 0,
      tables: ready.tables.length,
      publication,
      subscription,
      source,
      target,
      steps,
      tableStates: ready.tables,
      schema,
      warnings,
    };
  } catch (err) {
    const message = redactSecrets((err as Error).message.split("\n")[0], secrets);
    throw new Error(/^refusing to/.test(message) ? message : `replicate setup of ${target} failed: ${message}`);
  } finally {
    await (src as Client | undefined)?.end().catch(() => undefined);
    await (dst as Client | undefined)?.end().catch(() => undefined);
  }
}

/** Tables new to the subscription must be empty on the replica: the initial copy would duplicate their rows. */
async function refuseTablesWithRows(client: Client, tables: readonly string[], target: string): Promise<void> {
  for (const table of tables) {
    const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
    if (rows[0].any)
      throw new Error(
        `refusing to add ${table} to the replica ${target}: it already has rows there (the migration inserted them?), which its initial copy would duplicate: empty it on the replica (DELETE FROM ${table}) and run setup again`,
      );
  }
}
