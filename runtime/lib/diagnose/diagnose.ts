/**
 * `bloom-dr diagnose`: the playbook's SEV-1 "Database Unavailable" diagnosis in one read-only pass.
 * Both endpoints stage by stage, then (through the first one that lets bloom-dr in) who holds the
 * connections and who blocks whom, then what Neon says about the endpoint and the project.
 */
import { redactSecrets } from "../postgres/connectionUrl";
import { isNeonHost, planEndpoints } from "./endpoints";
import { allFindings } from "./findings";
import { DiagnoseNeonClient, NEON_STATUS_PAGE, readNeon } from "./neonApi";
import { analyseActivity, readActivity } from "./sessions";
import { checkEndpoint, CheckedEndpoint } from "./stages";
import { DEFAULT_DIAGNOSE_THRESHOLDS, DiagnoseReport, DiagnoseThresholds, SessionsReport } from "./types";

export interface DiagnoseOptions {
  dbUrl: string;
  /** Default: derived from dbUrl for Neon hosts; none otherwise. */
  pooledUrl?: string;
  thresholds?: Partial<DiagnoseThresholds>;
  /** The Neon API: a client when NEON_API_KEY is set, and the project to ask about. */
  neon?: { client?: DiagnoseNeonClient; apiKeySet: boolean; projectId?: string };
  now?: () => Date;
  progress?: (text: string) => void;
}

export async function diagnoseDatabase(options: DiagnoseOptions): Promise<DiagnoseReport> {
  const th: DiagnoseThresholds = { ...DEFAULT_DIAGNOSE_THRESHOLDS, ...options.thresholds };
  const now = options.now ?? (() => new Date());
  const plan = planEndpoints(options.dbUrl, options.pooledUrl);
  const notes = [...plan.notes];
  const secrets = plan.targets.map((t) => new URL(t.url).password).filter(Boolean);
  options.progress?.(`diagnose: checking ${plan.targets.map((t) => t.role).join(" and ")}…`);
  const checked: CheckedEndpoint[] = await Promise.all(plan.targets.map((t) => checkEndpoint(t, th.timeoutMs)));
  let sessions: SessionsReport | undefined;
  try {
    const open = checked.find((c) => c.client);
    if (open) {
      options.progress?.("diagnose: reading sessions…");
      try {
        const snapshot = await readActivity(open.client!);
        sessions = analyseActivity(snapshot, open.report.role, th);
        if (!sessions.usage.seesAllSessions)
          notes.push(
            "this role cannot see other roles' sessions in detail (no pg_read_all_stats): states, users and queries of others are hidden; run diagnose with the owner role's URL",
          );
      } catch (err) {
        notes.push(redactSecrets(`sessions not read: ${(err as Error).message.split("\n")[0]}`, secrets));
      }
    } else {
      notes.push("no endpoint let bloom-dr in: connection usage, idle sessions and blocking chains were not read");
    }
  } finally {
    await Promise.all(checked.map((c) => c.client?.end().catch(() => undefined)));
  }
  const host = checked[0].report.host;
  options.progress?.("diagnose: asking Neon…");
  const neon = await readNeon(options.neon?.client, {
    host,
    isNeon: isNeonHost(host),
    apiKeySet: options.neon?.apiKeySet ?? false,
    projectId: options.neon?.projectId,
    now: now(),
  });
  const endpoints = checked.map((c) => c.report);
  const findings = allFindings(endpoints, sessions, neon, th);
  return {
    ok: findings.length === 0,
    endpoints,
    ...(sessions ? { sessions } : {}),
    neon,
    statusPage: isNeonHost(host) ? NEON_STATUS_PAGE : `${host} is not a Neon host: check your provider's status page`,
    findings,
    notes,
  };
}
