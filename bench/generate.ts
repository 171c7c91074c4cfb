/**
 * Fills a database with the deterministic Bloom data set (runtime/lib/bloom/generate.ts).
 *
 *   npx tsx bench/generate.ts --scale 1 --url postgresql://user:pw@host/db   # into an existing, empty database
 *   npx tsx bench/generate.ts --scale 1                                      # into a throwaway local cluster,
 *                                                                            # reports size and time, then removes it
 *   npx tsx bench/generate.ts --scale 1 --keep                               # ... and keeps it running until Ctrl-C
 */
import { parseArgs } from "node:util";
import { Client } from "pg";
import { generateBloomDatabase } from "../runtime/lib/bloom/generate";
import { LocalCluster } from "../runtime/lib/local/cluster";
import { redactUrl } from "../runtime/lib/postgres/connectionUrl";
import { formatBytes, formatDuration } from "../runtime/lib/text/format";

export async function databaseSizeBytes(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT pg_database_size(current_database())::bigint AS bytes");
    return Number(rows[0].bytes);
  } finally {
    await client.end();
  }
}

/** Generates at `scale` into `url`; returns the row counts, the time taken and the database size. */
export async function generate(
  url: string,
  scale: number,
): Promise<{ rows: Record<string, number>; ms: number; bytes: number }> {
  const started = Date.now();
  const rows = await generateBloomDatabase(url, scale);
  return { rows, ms: Date.now() - started, bytes: await databaseSizeBytes(url) };
}

export function parseScale(raw: string | undefined): number {
  const scale = Number(raw ?? "1");
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new Error(`--scale must be a positive number, 1 ≈ 100 MB (got "${raw}")`);
  return scale;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scale: { type: "string" }, url: { type: "string" }, keep: { type: "boolean" } },
  });
  const scale = parseScale(values.scale);
  let cluster: LocalCluster | undefined;
  let url = values.url;
  if (!url) {
    cluster = await LocalCluster.create({ name: "bench-generate" });
    url = cluster.url();
  }
  try {
    const g = await generate(url, scale);
    const total = Object.values(g.rows).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `scale ${scale}: ${total.toLocaleString("en-US")} rows, ${formatBytes(g.bytes)} on disk, generated in ${formatDuration(g.ms)} into ${redactUrl(url)}\n`,
    );
    if (cluster && values.keep) {
      process.stdout.write(`kept running: ${url}\npress Ctrl-C to stop and remove it\n`);
      // a pending promise alone does not keep Node running: the timer does, until Ctrl-C
      const alive = setInterval(() => undefined, 60_000);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      clearInterval(alive);
    }
  } finally {
    await cluster?.destroy();
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`bench/generate: ${err.message}\n`);
    process.exitCode = 1;
  });
}
