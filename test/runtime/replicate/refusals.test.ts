import { runReplicateSetup } from "../../../runtime/lib/replicate/setup";
import { copySchema } from "../../../runtime/lib/replicate/schemaCopy";
import { query, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { ReplicaWorld, slotsOn, startReplicaWorld } from "./support";

/**
 * What setup refuses, each before anything is created on either side, with the one line that says
 * what to change: a table without a key, a source without logical WAL, a role that may not
 * replicate or does not own the tables, a target role that may not subscribe, a target that is
 * not empty. And what needs no superuser on the target: the schema copy, as an RDS-like master.
 */
let world: ReplicaWorld;
let master: OwnerRole;
let port: number;

beforeAll(async () => {
  world = await startReplicaWorld("replicate-refusals");
  master = await createOwnerRole(world.target, "rds_like_master");
  port = world.target.port;
});
afterAll(() => world?.destroy());

async function nothingCreated(target: string): Promise<void> {
  expect(await query(world.sourceUrl, "SELECT pubname FROM pg_publication")).toEqual([]);
  expect(await slotsOn(world.source)).toEqual([]);
  expect(await query(target, "SELECT subname FROM pg_subscription")).toEqual([]);
  expect(
    await query(
      target,
      "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
    ),
  ).toEqual([]);
}

test("a table without a primary key or replica identity is refused by name; nothing is created", async () => {
  const target = await world.replicaDatabase("no_key");
  await query(
    world.sourceUrl,
    "CREATE TABLE public.import_log (line text); CREATE TABLE public.tags (tag text NOT NULL UNIQUE)",
  );
  try {
    await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: target })).rejects.toThrow(
      `refusing to replicate 127.0.0.1:${world.source.port}/bloom: 2 table(s) have no primary key or replica identity: public.import_log, public.tags; a subscriber cannot apply their UPDATEs and DELETEs, and once they are published the primary refuses those statements: add a primary key, or run ALTER TABLE <table> REPLICA IDENTITY FULL, then run setup again; nothing was changed`,
    );
    await nothingCreated(target);
    // REPLICA IDENTITY FULL is enough: the refusal names only what is left
    await query(world.sourceUrl, "ALTER TABLE public.import_log REPLICA IDENTITY FULL");
    await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: target })).rejects.toThrow(
      /have no primary key or replica identity: public\.tags;/,
    );
  } finally {
    await query(world.sourceUrl, "DROP TABLE public.import_log, public.tags");
  }
});

test("a source without wal_level = logical: what to change on Neon (irreversible) and elsewhere", async () => {
  // the target cluster runs with wal_level = replica: use one of its databases as the source
  const notLogical = await createOwnedDatabase(world.target, master, "not_logical");
  await query(notLogical, "CREATE TABLE t (id int PRIMARY KEY)");
  const target = await world.replicaDatabase("from_not_logical");
  await expect(runReplicateSetup({ sourceUrl: notLogical, targetUrl: target })).rejects.toThrow(
    `replicate setup of 127.0.0.1:${port}/from_not_logical failed: the source 127.0.0.1:${port}/not_logical has wal_level = replica, not logical: on Neon, enable logical replication for the project (the project setting enableLogicalReplication, which bloom-dr's prod stack sets with neon.logicalReplication: true, or the console's Settings, Logical replication); it restarts the project's computes and cannot be turned off again. Elsewhere set wal_level = logical and restart the server`,
  );
});

test("a source role without REPLICATION, or one that does not own the tables", async () => {
  const target = await world.replicaDatabase("from_roles");
  await query(world.source.url(), "CREATE ROLE plain_reader LOGIN PASSWORD 'plain-reader-pw'");
  await query(
    world.sourceUrl,
    "GRANT SELECT ON ALL TABLES IN SCHEMA public, audit TO plain_reader; GRANT USAGE ON SCHEMA audit TO plain_reader",
  );
  const reader = `postgresql://plain_reader:plain-reader-pw@127.0.0.1:${world.source.port}/bloom`;
  await expect(runReplicateSetup({ sourceUrl: reader, targetUrl: target })).rejects.toThrow(
    `replicate setup of 127.0.0.1:${port}/from_roles failed: the source role plain_reader may not replicate (it has no REPLICATION attribute): on Neon, connect as a role created through the Neon console, API or provider (neon.Role), which Neon creates with REPLICATION once logical replication is enabled; elsewhere run, as a superuser, ALTER ROLE plain_reader WITH REPLICATION`,
  );
  await query(world.source.url(), "ALTER ROLE plain_reader WITH REPLICATION");
  await expect(runReplicateSetup({ sourceUrl: reader, targetUrl: target })).rejects.toThrow(
    `replicate setup of 127.0.0.1:${port}/from_roles failed: the source role plain_reader does not own 6 table(s) (first: audit.events, owned by neon_owner), and a publication may list only tables its creator owns: connect as neon_owner (it needs REPLICATION too), or run GRANT neon_owner TO plain_reader; nothing was changed`,
  );
  await nothingCreated(target);
});

test("a target role that may not subscribe (PostgreSQL 15: only superusers; RDS: its master): refused before anything is created", async () => {
  const target = await createOwnedDatabase(world.target, master, "not_super");
  await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: target })).rejects.toThrow(
    `refusing to replicate into 127.0.0.1:${port}/not_super: the target role rds_like_master may not create subscriptions: before PostgreSQL 16 only a superuser may (on RDS the master user, a member of rds_superuser, may): connect as one of them; nothing was changed`,
  );
  await nothingCreated(target);
});

test("a target that is not empty and holds no subscription is refused without --clean", async () => {
  const target = await world.replicaDatabase("not_empty");
  await query(target, "CREATE TABLE leftover (id int PRIMARY KEY)");
  await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: target })).rejects.toThrow(
    `refusing to replicate into 127.0.0.1:${port}/not_empty: it is not empty and holds no subscription (1 user objects, e.g. table public.leftover); replicate into an empty database, or pass --clean to drop every user schema first`,
  );
  expect(await query(world.sourceUrl, "SELECT pubname FROM pg_publication")).toEqual([]);
  const cleaned = await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: target, clean: true });
  expect(cleaned.steps[0]).toBe("target emptied (schemas public dropped)");
  expect(await tableDigests(target)).toEqual(await tableDigests(world.sourceUrl));
});

test("the schema copy needs no superuser: as an RDS-like master into a database it owns", async () => {
  const target = await createOwnedDatabase(world.target, master, "master_copy");
  await copySchema({ sourceUrl: world.sourceUrl, targetUrl: target, minMajor: 15 });
  const tables = await query<{ t: string }>(
    target,
    "SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname IN ('public', 'audit') ORDER BY 1",
  );
  expect(tables.map((r) => r.t)).toEqual([
    "audit.events",
    "public._prisma_migrations",
    "public.clients",
    "public.clinics",
    "public.payments",
    "public.reservations",
    "public.users",
  ]);
  expect(await query(target, "SELECT count(*)::int AS n FROM public.clients")).toEqual([{ n: 0 }]);
});
