import { CliCommand } from "../command";
import { backupCommand } from "./backup";
import { backupsCommand } from "./backups";
import { diagnoseCommand } from "./diagnose";
import { drillCommand } from "./drill";
import { INCIDENT_COMMANDS } from "./incident";
import { migrateRunCommand } from "./migrateRun";
import { migrateStatusCommand } from "./migrateStatus";
import { monitorRoleCommand } from "./monitorRole";
import { perfCommand } from "./perf";
import { pitrExportCommand } from "./pitrExport";
import { pitrImportCommand } from "./pitrImport";
import { pitrRecoverCommand } from "./pitrRecover";
import { postmortemCommand } from "./postmortem";
import { promoteCommand } from "./promote";
import { pruneCommand } from "./prune";
import { readinessCommand } from "./readiness";
import { replicateSetupCommand } from "./replicateSetup";
import { replicateStatusCommand } from "./replicateStatus";
import { replicateStopCommand } from "./replicateStop";
import { restoreCommand } from "./restore";
import { verifyCommand } from "./verify";

/**
 * Every subcommand, in the order `bloom-dr --help` lists them. Each lives in its own file in this
 * folder; add new ones here.
 */
export const COMMANDS: CliCommand[] = [
  backupCommand,
  backupsCommand,
  restoreCommand,
  promoteCommand,
  replicateSetupCommand,
  replicateStatusCommand,
  replicateStopCommand,
  pruneCommand,
  verifyCommand,
  pitrRecoverCommand,
  pitrExportCommand,
  pitrImportCommand,
  drillCommand,
  migrateRunCommand,
  migrateStatusCommand,
  perfCommand,
  diagnoseCommand,
  monitorRoleCommand,
  readinessCommand,
  ...INCIDENT_COMMANDS,
  postmortemCommand,
];
