import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CliCommand, stringOption, UsageError } from "../command";

/** `bloom-dr readiness`: the playbook's readiness checklist, each item PASS, FAIL or NOT CHECKED. */
export const readinessCommand: CliCommand = {
  name: "readiness",
  summary: "check the playbook's readiness checklist: backups, restore test, drills, contacts, stack",
  options: {
    store: {
      type: "string",
      value: "STORE",
      description: "backup store: the newest backup's age (RPO 24 h), manifest and checksum",
    },
    reports: {
      type: "string",
      value: "DIR",
      description:
        "drill reports (bloom-dr drill's drill-<time>.json): each drill in the last quarter, the last restore test",
    },
    contacts: {
      type: "string",
      value: "FILE",
      description: "contacts.json (default: $BLOOM_DR_HOME/contacts.json, else .bloom-dr/contacts.json)",
    },
    stack: {
      type: "string",
      value: "NAME",
      description: "Pulumi stack (prod): DATABASE_URL secret, SEV-1 subscription, health probe, maintenance parameter",
    },
    "dr-stack": {
      type: "string",
      value: "NAME",
      description: "Pulumi dr stack: the scheduled restore test's CloudWatch metric (with --stack for its prefix)",
    },
    "pulumi-dir": {
      type: "string",
      value: "DIR",
      description: "with --stack or --dr-stack: the Pulumi project directory (default: the current directory)",
    },
  },
  details: `
Items, each PASS, FAIL or NOT CHECKED with its reason:
  backups.fresh          the newest complete backup is younger than the RPO (24 h)     --store
  backups.intact         its manifest parses, latest.json points at it, its sha256 matches  --store
  backups.restoreTest    the last restore drill passed                                 --reports
  drills.pitr|restore|failover  a passing report within the last quarter (92 days)     --reports
  contacts               contacts.json names every role, no playbook placeholders      always
  stack.databaseUrlSecret, stack.sev1Subscription, stack.healthProbe,
  stack.maintenanceParameter                                                           --stack
  stack.restoreTestMetric  the dr stack's restore test succeeded within 26 h, none failed since
                         (CloudWatch BloomDR/RestoreSucceeded and RestoreFailed in the DR region,
                         Prefix = the prod stack's backupPrefix; standby only)  --dr-stack, --stack
  playbook.statusPage    outside bloom-dr: always NOT CHECKED
An item whose input is not given is NOT CHECKED, which is not a failure. --stack and --dr-stack
read the outputs through the Pulumi Automation API (the Pulumi CLI and a login are needed), then
AWS with the usual credentials: secretsmanager:GetSecretValue, sns:ListSubscriptionsByTopic,
cloudwatch:GetMetricData.

Examples:
  bloom-dr readiness --store s3://bloom-vault/production --reports reports
  bloom-dr readiness --store ./backups --reports reports --contacts ops/contacts.json --stack acme/prod --json
  bloom-dr readiness --stack acme/prod --dr-stack acme/dr

Exit status: 0 nothing checked failed; 1 an item failed; 2 usage error (a --reports or --contacts
path that does not exist, --pulumi-dir without --stack or --dr-stack).`,
  async run(ctx) {
    const reports = stringOption(ctx, "reports");
    if (reports !== undefined && !(existsSync(reports) && statSync(reports).isDirectory()))
      throw new UsageError(
        `--reports ${reports}: no such directory: give the directory bloom-dr drill wrote its reports to`,
      );
    const contacts = stringOption(ctx, "contacts");
    if (contacts !== undefined && !existsSync(contacts))
      throw new UsageError(`--contacts ${contacts}: no such file: give the path of contacts.json`);
    const stackName = stringOption(ctx, "stack");
    const drStackName = stringOption(ctx, "dr-stack");
    if (stringOption(ctx, "pulumi-dir") !== undefined && stackName === undefined && drStackName === undefined)
      throw new UsageError("--pulumi-dir applies to --stack and --dr-stack only");
    // loaded only now (require: tsx's CommonJS hook does not see import()), so --help stays fast
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const actions = require("./readinessAction") as typeof import("./readinessAction");
    return actions.readiness(ctx, {
      reportsDir: reports === undefined ? undefined : path.resolve(reports),
      contactsFile: contacts === undefined ? undefined : path.resolve(contacts),
      stackName,
      drStackName,
      pulumiDir: path.resolve(stringOption(ctx, "pulumi-dir") ?? "."),
    });
  },
};
