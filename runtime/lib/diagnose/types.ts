/** What `bloom-dr diagnose` reads and concludes (the playbook's SEV-1 "Database Unavailable" diagnosis). */

export type StageName = "dns" | "tcp" | "tls" | "auth" | "select 1";

export interface StageResult {
  stage: StageName;
  status: "ok" | "failed" | "skipped";
  ms: number;
  /** What was seen ("2 addresses", "TLSv1.3", "as bloom_app") or why it was skipped. */
  detail: string;
}

/** Why a connection failed, as the playbook's symptoms name it. */
export type CauseKind =
  | "dns"
  | "refused"
  | "timeout"
  | "reset"
  | "tls"
  | "wrong-password"
  | "not-allowed"
  | "database-missing"
  | "too-many-connections"
  | "starting-up"
  | "query-failed";

export interface FailureCause {
  kind: CauseKind;
  stage: StageName;
  /** One line naming the stage and what happened; never a password. */
  line: string;
}

export type EndpointRole = "direct" | "pooled";

export interface EndpointReport {
  role: EndpointRole;
  /** The URL with its password replaced by ***. */
  url: string;
  host: string;
  port: number;
  /** True when bloom-dr derived this URL from the other one (Neon's -pooler host naming). */
  derived: boolean;
  stages: StageResult[];
  ok: boolean;
  cause?: FailureCause;
}

export interface Session {
  pid: number;
  user: string;
  application: string;
  state: string;
  /** ISO times from the server's clock; null when the server does not say. */
  backendStart: string | null;
  xactStart: string | null;
  queryStart: string | null;
  stateChange: string | null;
  /** Milliseconds in the current state (idle in transaction) or running the current query (active). */
  forMs: number;
  waitEvent: string | null;
  /** Shortened, whitespace collapsed; "<insufficient privilege>" for others' sessions without pg_read_all_stats. */
  query: string;
}

export interface ConnectionUsage {
  /** Client sessions on the whole server (max_connections is server-wide), this one included. */
  total: number;
  max: number;
  /** Slots only superusers may use (superuser_reserved_connections, plus reserved_connections on 16+). */
  reserved: number;
  usable: number;
  percent: number;
  byState: Record<string, number>;
  byApplication: Record<string, number>;
  byUser: Record<string, number>;
  /** False when the role cannot see other sessions' details (no pg_read_all_stats). */
  seesAllSessions: boolean;
}

export interface BlockingLink {
  blocked: Session;
  blocker: Session;
}

export interface SessionsReport {
  /** Which endpoint the sessions were read through. */
  via: EndpointRole;
  usage: ConnectionUsage;
  idleInTransaction: Session[];
  longRunning: Session[];
  blocking: BlockingLink[];
}

export interface NeonEndpointState {
  id: string;
  /** init | active | idle (idle is Neon's "suspended": it wakes on the next connection). */
  state: string;
  pendingState: string | null;
  disabled: boolean;
  suspendedAt: string | null;
  lastActive: string | null;
}

export interface NeonOperation {
  id: string;
  action: string;
  status: string;
  createdAt: string;
  error: string | null;
}

export interface NeonReport {
  checked: boolean;
  /** Why it was not checked, or what to do about a failed call. */
  note?: string;
  endpoint?: NeonEndpointState;
  /** The project's operations that are not finished, and recent failed ones. */
  operations?: NeonOperation[];
}

export type FindingCheck =
  "endpoint" | "connections" | "idle-in-transaction" | "long-running" | "blocking" | "neon-endpoint" | "neon-operation";

export interface Finding {
  check: FindingCheck;
  /** The cause in one line (exact, testable, never a password). */
  line: string;
  /** What the playbook says to do. */
  action: string;
  /** SQL for a person to review (pg_terminate_backend); diagnose runs none of it. */
  sql?: string;
}

export interface DiagnoseReport {
  ok: boolean;
  endpoints: EndpointReport[];
  /** Undefined when no endpoint let bloom-dr in. */
  sessions?: SessionsReport;
  neon: NeonReport;
  /** How to check the provider's status page (bloom-dr does not reach it). */
  statusPage: string;
  findings: Finding[];
  notes: string[];
}

/** When a number becomes a finding. Every default is documented in docs/operations.md. */
export interface DiagnoseThresholds {
  /** Connect and per-stage timeout (5 s): the playbook's "timeout" symptom. */
  timeoutMs: number;
  /** Share of the usable connections in use that is a finding (80%: the playbook's 100-connection limit). */
  connectionUsagePercent: number;
  /** An active statement running this long is a finding (60 s). */
  longRunningMs: number;
  /** A session idle inside a transaction this long is a finding (60 s): it holds locks and a connection. */
  idleInTransactionMs: number;
}

export const DEFAULT_DIAGNOSE_THRESHOLDS: DiagnoseThresholds = {
  timeoutMs: 5000,
  connectionUsagePercent: 80,
  longRunningMs: 60_000,
  idleInTransactionMs: 60_000,
};
