import { CliCommand } from "../command";
import { drillCommand } from "./drill";

/**
 * Every subcommand, in the order `bloom-dr --help` lists them. Each lives in its own file in this
 * folder; add new ones here.
 */
export const COMMANDS: CliCommand[] = [drillCommand];
