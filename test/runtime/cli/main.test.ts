/**
 * The dispatcher: command lookup (one or two words, flags never part of the name), command groups,
 * stray positionals and negative option values. In-process against fake commands, then a few runs
 * of the real `bin/bloom-dr.js`.
 */
import os from "node:os";
import path from "node:path";
import { CliCommand, CommandContext } from "../../../runtime/cli/command";
import { findCommand, main, normalizeNegativeValues } from "../../../runtime/cli/main";
import { cli, lines } from "./runCli";

const calls: { name: string; ctx: CommandContext }[] = [];

function fake(name: string, extra: Partial<CliCommand> = {}): CliCommand {
  return {
    name,
    summary: `${name} things`,
    options: {
      "keep-days": { type: "string", value: "D", description: "days" },
      verbose: { type: "boolean", description: "more" },
    },
    ...extra,
    async run(ctx) {
      calls.push({ name, ctx });
      return 0;
    },
  };
}

const COMMANDS: CliCommand[] = [
  fake("backup"),
  fake("drill", { positionals: [{ name: "all|pitr", description: "which", optional: true }] }),
  fake("pitr recover"),
  fake("pitr export"),
  fake("pitr import"),
  fake("incident note", { positionals: [{ name: "TEXT", description: "what happened", rest: true }] }),
];

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const out = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true));
  const err = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true));
  try {
    const code = await main(argv, COMMANDS);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeEach(() => {
  calls.length = 0;
});

describe("findCommand", () => {
  test.each<[string[], string | undefined, string[]]>([
    [["backup", "--verbose"], "backup", ["--verbose"]],
    [["pitr", "recover", "--verbose"], "pitr recover", ["--verbose"]],
    [["drill", "pitr"], "drill", ["pitr"]],
    [["pitr", "--help"], undefined, []],
    [["nosuch", "--json"], undefined, []],
    [["backup", "--keep-days", "3"], "backup", ["--keep-days", "3"]],
  ])("%j → %s", (argv, name, rest) => {
    const found = findCommand(argv, COMMANDS);
    expect(found?.command.name).toBe(name);
    if (found) expect(found.rest).toEqual(rest);
  });
});

describe("command groups", () => {
  test.each([["--help"], ["-h"]])(
    "pitr %s lists the group's subcommands with usage lines and summaries, exit 0",
    async (flag) => {
      const r = await run("pitr", flag);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      for (const sub of ["recover", "export", "import"]) {
        expect(r.stdout).toContain(`bloom-dr pitr ${sub} [--keep-days D] [--verbose] [--json]`);
        expect(r.stdout).toContain(`pitr ${sub} things`);
      }
      expect(r.stdout).not.toContain("backup");
    },
  );

  test("a group without a subcommand: exit 2, one line naming the choices", async () => {
    const r = await run("pitr");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "bloom-dr pitr: missing subcommand: one of recover, export, import\n",
    });
  });

  test("a group followed only by flags is still a missing subcommand (--json adds one JSON object)", async () => {
    const r = await run("pitr", "--verbose", "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("bloom-dr pitr: missing subcommand: one of recover, export, import\n");
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      command: "pitr",
      error: "missing subcommand: one of recover, export, import",
    });
  });

  test("an unknown subcommand names it and the choices", async () => {
    const r = await run("pitr", "rewind");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'bloom-dr pitr: unknown subcommand "rewind": one of recover, export, import\n',
    });
  });
});

describe("unknown commands", () => {
  test("flags are never part of the name", async () => {
    const r = await run("nosuch", "--verbose");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'bloom-dr: unknown command "nosuch": run "bloom-dr --help" for the list\n',
    });
  });

  test("with --json also one JSON object on stdout", async () => {
    const r = await run("nosuch", "--json");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['bloom-dr: unknown command "nosuch": run "bloom-dr --help" for the list']);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      command: "nosuch",
      error: 'unknown command "nosuch": run "bloom-dr --help" for the list',
    });
  });
});

describe("positionals", () => {
  test("a stray positional is a usage error and nothing runs", async () => {
    const r = await run("drill", "pitr", "restore");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'bloom-dr drill: unexpected argument "restore": usage: bloom-dr drill [all|pitr] [--keep-days D] [--verbose] [--json]\n',
    );
    expect(calls).toEqual([]);
  });

  test("a command without positionals refuses one", async () => {
    const r = await run("backup", "now");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bloom-dr backup: unexpected argument "now": usage: bloom-dr backup /);
    expect(calls).toEqual([]);
  });

  test("the declared positional runs the command", async () => {
    expect((await run("drill", "pitr")).code).toBe(0);
    expect(calls.map((c) => [c.name, c.ctx.positionals])).toEqual([["drill", ["pitr"]]]);
  });

  test("a positional that takes the rest of the words accepts several", async () => {
    expect((await run("incident", "note", "branch", "created", "--verbose")).code).toBe(0);
    expect(calls[0].ctx.positionals).toEqual(["branch", "created"]);
  });
});

describe("negative option values", () => {
  test.each<[string[], string[]]>([
    [["--keep-days", "-1"], ["--keep-days=-1"]],
    [
      ["--keep-days", "-0.5", "--verbose"],
      ["--keep-days=-0.5", "--verbose"],
    ],
    [
      ["--keep-days", "3"],
      ["--keep-days", "3"],
    ],
    [
      ["--keep-days", "--verbose"],
      ["--keep-days", "--verbose"],
    ],
    [
      ["--verbose", "-1"],
      ["--verbose", "-1"],
    ], // a boolean takes no value: -1 stays a (bad) option
    [
      ["--", "--keep-days", "-1"],
      ["--", "--keep-days", "-1"],
    ],
  ])("%j → %j", (args, expected) => {
    expect(normalizeNegativeValues(args, COMMANDS[0].options)).toEqual(expected);
  });

  test("the command receives the negative value and validates it itself", async () => {
    expect((await run("backup", "--keep-days", "-1")).code).toBe(0);
    expect(calls[0].ctx.values["keep-days"]).toBe("-1");
  });
});

describe("the real CLI", () => {
  test.each([
    ["pitr", ["recover", "export", "import"]],
    ["incident", ["start", "note", "resolve", "status"]],
  ])("%s --help: exit 0, every subcommand's usage", async (group, subs) => {
    const r = await cli(group, "--help");
    expect(r.code).toBe(0);
    for (const sub of subs) expect(r.stdout).toMatch(new RegExp(`^  bloom-dr ${group} ${sub} `, "m"));
  });

  test.each<[string[], string]>([
    [["pitr"], "bloom-dr pitr: missing subcommand: one of recover, export, import"],
    [
      ["drill", "pitr", "restore", "--reports", path.join(os.tmpdir(), "bloom-dr-main-test-reports")],
      'bloom-dr drill: unexpected argument "restore": usage: bloom-dr drill [all|pitr|restore|failover] ',
    ],
    [
      ["prune", "--store", "/tmp", "--keep", "2", "--keep-days", "-1"],
      'bloom-dr prune: --keep-days must be a whole number of days ≥ 0 (got "-1")',
    ],
    [["drill", "--scale", "-1"], 'bloom-dr drill: --scale must be a number above 0 and at most 100 (got "-1")'],
  ])("%j: exit 2, one line", async (args, start) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(lines(r.stderr)[0].startsWith(start)).toBe(true);
  });

  test("nosuch --json: exit 2, one line and one JSON object", async () => {
    const r = await cli("nosuch", "--json");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['bloom-dr: unknown command "nosuch": run "bloom-dr --help" for the list']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, command: "nosuch" });
  });
});
