import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runProgram } from "../postgres/processes";
import type { ServerUser } from "./osUser";

/**
 * Set to a directory, throwaway clusters are copied from an initdb'd data directory kept there
 * (one per initdb program and arguments) instead of running initdb each time: initdb costs about
 * a CPU-second, a copy a quarter of that. The test suite sets it (test/support/globalSetup.ts);
 * nothing else needs to. Each copy gets its own superuser password once started (see
 * LocalCluster.start), so sharing a template shares no credentials.
 */
export const CLUSTER_TEMPLATES_ENV = "BLOOM_DR_CLUSTER_TEMPLATES";

export interface InitdbRequest {
  initdb: string;
  args: readonly string[];
  user: ServerUser;
  /** Runs initdb as the server user (LocalCluster.asServer). */
  runInitdb(dataDir: string, pwfile: string): Promise<void>;
}

export function clusterTemplatesDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[CLUSTER_TEMPLATES_ENV];
  return dir && path.isAbsolute(dir) ? dir : undefined;
}

/**
 * The template for this initdb program and arguments, made once: built in a directory of its
 * own and renamed into place whole, so concurrent test workers never see half of one (the loser
 * of a race removes its copy). Returns the template's data directory and superuser password.
 */
export async function ensureTemplate(
  root: string,
  request: InitdbRequest,
): Promise<{ dataDir: string; password: string }> {
  const key = createHash("sha256")
    .update(JSON.stringify([request.initdb, ...request.args]))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(root, key);
  if (!existsSync(path.join(dir, "password"))) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    request.user.own(root);
    const building = mkdtempSync(path.join(root, `${key}.building-`));
    try {
      request.user.own(building);
      const password = randomBytes(18).toString("base64url");
      const pwfile = path.join(building, "pwfile");
      writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
      request.user.own(pwfile);
      await request.runInitdb(path.join(building, "data"), pwfile);
      rmSync(pwfile);
      writeFileSync(path.join(building, "password"), password, { mode: 0o600 });
      try {
        renameSync(building, dir);
      } catch (err) {
        if (!existsSync(path.join(dir, "password"))) throw err;
      }
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  return { dataDir: path.join(dir, "data"), password: readFileSync(path.join(dir, "password"), "utf8") };
}

/** Copies a template's data directory (ownership and modes kept) to `dataDir`, which must not exist. */
export async function copyTemplate(templateDataDir: string, dataDir: string, signal?: AbortSignal): Promise<void> {
  try {
    await runProgram("cp", ["-a", templateDataDir, dataDir], { signal });
  } catch (err) {
    signal?.throwIfAborted(); // the interruption is the reason, as for initdb
    throw err;
  }
}
