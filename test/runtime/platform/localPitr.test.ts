import { postgresTimestamp, recoverySettings, recoveryStopTime } from "../../../runtime/lib/platform/localPitr";
import { archivingSettings } from "../../../runtime/lib/platform/localWal";

describe("recoveryStopTime reads where recovery stopped from the server log", () => {
  test.each([
    [
      "UTC with microseconds",
      "2025-01-15 10:00:00.100 UTC [42] LOG:  recovery stopping before commit of transaction 745, time 2025-01-15 10:00:01.123456+00\n",
      "2025-01-15T10:00:01.123Z",
    ],
    [
      "another zone offset",
      "LOG:  recovery stopping before commit of transaction 9, time 2025-01-15 12:00:01.5+02\n",
      "2025-01-15T10:00:01.500Z",
    ],
    [
      "the last of several lines (a restarted recovery)",
      "LOG:  recovery stopping before commit of transaction 1, time 2025-01-15 10:00:00+00\nLOG:  recovery stopping before abort of transaction 2, time 2025-01-15 10:00:05+00\n",
      "2025-01-15T10:00:05.000Z",
    ],
  ])("%s", (_label, log, expected) => {
    expect(recoveryStopTime(log)?.toISOString()).toBe(expected);
  });

  test("no stop line: recovery never reached a target", () => {
    expect(recoveryStopTime("LOG:  redo done at 0/3000060\nLOG:  database system is ready\n")).toBeUndefined();
  });
});

test("postgresTimestamp is the form recovery_target_time accepts", () => {
  expect(postgresTimestamp(new Date("2025-01-15T10:30:00.123Z"))).toBe("2025-01-15 10:30:00.123+00");
});

test("recovery settings: archive as the only WAL source, stop at T, promote, never archive again", () => {
  expect(recoverySettings("/tmp/x/wal-archive", new Date("2025-01-15T10:30:00.000Z"))).toEqual({
    restore_command: "'cp /tmp/x/wal-archive/%f %p'",
    recovery_target_time: "'2025-01-15 10:30:00.000+00'",
    recovery_target_inclusive: "on",
    recovery_target_action: "'promote'",
    archive_mode: "off",
    log_min_messages: "log",
  });
});

test("archiving settings never overwrite an archived segment", () => {
  const settings = archivingSettings("/tmp/x/wal-archive");
  expect(settings.archive_command).toBe("'test ! -f /tmp/x/wal-archive/%f && cp %p /tmp/x/wal-archive/%f'");
  expect(settings).toMatchObject({ wal_level: "replica", archive_mode: "on" });
});
