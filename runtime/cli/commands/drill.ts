import { CliCommand } from "../command";

/** `bloom-dr drill [all|pitr|restore|failover]` — the playbook's quarterly drills, measured. */
export const drillCommand: CliCommand = {
  name: "drill",
  summary: "run the playbook's recovery drills (pitr, restore, failover) and write a report",
  positionals: [{ name: "all|pitr|restore|failover", description: "which drill to run (default: all)", optional: true }],
  options: {},
  async run() {
    throw new Error("drill: not implemented yet");
  },
};
