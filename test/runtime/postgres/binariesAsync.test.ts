/** The non-blocking lookup that backup and restore run while they connect: the same choice and errors. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  assertMinMajor,
  findPostgresBinaries,
  findPostgresBinariesAsync,
} from "../../../runtime/lib/postgres/binaries";

test("finds what the synchronous lookup finds, with the --version output read once", async () => {
  const sync = findPostgresBinaries(["pg_dump", "pg_restore"]);
  const found = await findPostgresBinariesAsync(["pg_dump", "pg_restore"]);
  expect({ dir: found.dir, major: found.major }).toEqual({ dir: sync.dir, major: sync.major });
  expect(found.versionText).toMatch(new RegExp(`^pg_dump \\(PostgreSQL\\) ${found.major}\\b`));
  expect(found.path("pg_restore")).toBe(path.join(sync.dir, "pg_restore"));
});

test("the newest major wins, BLOOM_DR_PG_BIN first among equals; programs that fail --version are skipped", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bins-"));
  try {
    const fake = (dir: string, script: string) => {
      mkdirSync(path.join(root, dir), { recursive: true });
      writeFileSync(path.join(root, dir, "pg_dump"), `#!/bin/sh\n${script}\n`);
      chmodSync(path.join(root, dir, "pg_dump"), 0o755);
    };
    fake("explicit", 'echo "pg_dump (PostgreSQL) 16.4"');
    fake("path16", 'echo "pg_dump (PostgreSQL) 16.9"');
    fake("path18", 'echo "pg_dump (PostgreSQL) 18.1"');
    fake("broken", "exit 3");
    const env = {
      BLOOM_DR_PG_BIN: path.join(root, "explicit"),
      PATH: [path.join(root, "broken"), path.join(root, "path16"), path.join(root, "path18")].join(":"),
    };
    const options = { env, debianRoot: path.join(root, "none") };
    const newest = await findPostgresBinariesAsync(["pg_dump"], options);
    expect(newest).toMatchObject({
      dir: path.join(root, "path18"),
      major: 18,
      versionText: "pg_dump (PostgreSQL) 18.1\n",
    });
    rmSync(path.join(root, "path18"), { recursive: true });
    expect((await findPostgresBinariesAsync(["pg_dump"], options)).dir).toBe(path.join(root, "explicit"));
    expect(findPostgresBinaries(["pg_dump"], options).dir).toBe(path.join(root, "explicit"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the same refusals: too old for the server (checked later with assertMinMajor too), none found", async () => {
  await expect(findPostgresBinariesAsync(["pg_dump"], { minMajor: 99 })).rejects.toThrow(
    /older than the server \(PostgreSQL 99\): install the PostgreSQL 99 client tools \(Debian: apt-get install postgresql-client-99\) or set BLOOM_DR_PG_BIN$/,
  );
  const found = await findPostgresBinariesAsync(["pg_dump"]);
  expect(() => assertMinMajor(found, "pg_dump", 99)).toThrow(
    `pg_dump ${found.major} (in ${found.dir}) is older than the server (PostgreSQL 99)`,
  );
  expect(() => assertMinMajor(found, "pg_dump", found.major)).not.toThrow();
  await expect(
    findPostgresBinariesAsync(["pg_dump"], { env: { PATH: "/nonexistent" }, debianRoot: "/nonexistent" }),
  ).rejects.toThrow(/PostgreSQL programs not found \(pg_dump\): install the PostgreSQL client/);
});

test("Debian's pg_wrapper links are not asked when the versions it runs are candidates themselves", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-wrapper-"));
  try {
    const script = (file: string, text: string) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `#!/bin/sh\n${text}\n`);
      chmodSync(file, 0o755);
    };
    // the wrapper would claim a newer version than any installed, were it asked
    script(path.join(root, "share", "postgresql-common", "pg_wrapper"), 'echo "pg_dump (PostgreSQL) 99.0"');
    script(path.join(root, "debian", "15", "bin", "pg_dump"), 'echo "pg_dump (PostgreSQL) 15.18"');
    mkdirSync(path.join(root, "usr-bin"));
    symlinkSync(path.join(root, "share", "postgresql-common", "pg_wrapper"), path.join(root, "usr-bin", "pg_dump"));
    const options = { env: { PATH: path.join(root, "usr-bin") }, debianRoot: path.join(root, "debian") };
    expect((await findPostgresBinariesAsync(["pg_dump"], options)).major).toBe(15);
    expect(findPostgresBinaries(["pg_dump"], options).major).toBe(15);
    // without the Debian tree the wrapper is all there is, and it is used
    const alone = { env: options.env, debianRoot: path.join(root, "none") };
    expect((await findPostgresBinariesAsync(["pg_dump"], alone)).dir).toBe(path.join(root, "usr-bin"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
