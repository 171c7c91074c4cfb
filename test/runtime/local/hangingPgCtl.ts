import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findPostgresBinaries, PostgresBinaries } from "../../../runtime/lib/postgres/binaries";

/**
 * PostgreSQL programs where `pg_ctl start` starts the server for real and then does not return:
 * a stand-in for a start that is slow to report success (a server still recovering, a loaded
 * machine). The wrapper writes into `markDir` the postmaster's pid and the pid of the child it
 * waits on, so a test can interrupt at that moment and check that both are gone afterwards.
 * Every other pg_ctl command passes straight through.
 */
export interface HangingStart {
  binaries: PostgresBinaries;
  /** Appears once the server runs and pg_ctl start is hanging. */
  postmasterPidFile: string;
  helperPidFile: string;
}

export function hangingPgCtl(dir: string, onlyDataDirsMatching = ""): HangingStart {
  const real = findPostgresBinaries(["initdb", "pg_ctl", "postgres", "pg_basebackup"]);
  const bin = path.join(dir, "bin");
  const markDir = path.join(dir, "marks");
  mkdirSync(bin, { recursive: true, mode: 0o755 });
  mkdirSync(markDir, { recursive: true });
  chmodSync(dir, 0o755); // the server user runs the wrapper
  chmodSync(markDir, 0o777); // and writes the marks
  const wrapper = path.join(bin, "pg_ctl");
  writeFileSync(
    wrapper,
    [
      "#!/bin/bash",
      `"${real.path("pg_ctl")}" "$@" || exit $?`,
      'args=("$@"); data=""; command=""',
      "for ((i = 0; i < ${#args[@]}; i++)); do",
      '  if [ "${args[$i]}" = "-D" ]; then data="${args[$((i + 1))]}"; fi',
      '  command="${args[$i]}"',
      "done",
      `if [ "$command" = "start" ] && [[ "$data" == *"${onlyDataDirsMatching}"* ]]; then`,
      `  sleep 300 & echo $! > "${markDir}/helper.pid"`,
      `  head -1 "$data/postmaster.pid" > "${markDir}/postmaster.pid.tmp" && mv "${markDir}/postmaster.pid.tmp" "${markDir}/postmaster.pid"`,
      "  wait",
      "fi",
      "",
    ].join("\n"),
  );
  chmodSync(wrapper, 0o755);
  return {
    binaries: { ...real, path: (program) => (program === "pg_ctl" ? wrapper : real.path(program)) },
    postmasterPidFile: path.join(markDir, "postmaster.pid"),
    helperPidFile: path.join(markDir, "helper.pid"),
  };
}
