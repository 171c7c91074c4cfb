import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { incidentDir, incidentIdFor, IncidentStore, parseTimeline } from "../../../runtime/lib/incident/timeline";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-incidents-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A clock that moves forward by the given minutes at each call. */
function clock(start: string, stepsMinutes: number[]): () => Date {
  let t = Date.parse(start);
  let i = 0;
  return () => {
    const now = new Date(t);
    t += (stepsMinutes[i++] ?? 1) * 60_000;
    return now;
  };
}

describe("incidentDir", () => {
  test.each([
    ["--dir wins", "x/inc", { BLOOM_DR_HOME: "/home/h" }, "/work/x/inc"],
    ["BLOOM_DR_HOME", undefined, { BLOOM_DR_HOME: "/home/h" }, "/home/h/incidents"],
    ["default", undefined, {}, "/work/.bloom-dr/incidents"],
  ])("%s", (_name, flag, env, expected) => {
    expect(incidentDir(flag, env, "/work")).toBe(expected);
  });
});

test.each([
  ["2026-11-27T18:49:33Z", "DB unreachable: ECONNREFUSED!", "20261127-1849-db-unreachable-econnrefused"],
  ["2026-01-02T03:04:00Z", "Reservaciones borradas (clínica 12)", "20260102-0304-reservaciones-borradas-clinica-12"],
  ["2026-01-02T03:04:00Z", "!!!", "20260102-0304"],
])("incidentIdFor(%s, %j)", (at, title, id) => {
  expect(incidentIdFor(new Date(at), title)).toBe(id);
});

test("start, note, severity change and resolve build a timeline of JSON lines", () => {
  const store = new IncidentStore(dir, clock("2026-11-27T10:00:00Z", [5, 10, 20, 30]));
  const started = store.start("SEV-2", "Reservations deleted by a bad migration");
  expect(started).toMatchObject({
    id: "20261127-1000-reservations-deleted-by-a-bad-migration",
    severity: 2,
    startedAt: "2026-11-27T10:00:00.000Z",
  });
  store.note("Branch created at 09:55 from history");
  store.changeSeverity("1");
  const resolved = store.resolve("pitr recover --apply: 50 rows back");
  expect(resolved.severity).toBe(1);
  expect(resolved.resolvedAt).toBe("2026-11-27T10:35:00.000Z");
  expect(resolved.events.map((e) => [e.type, e.at])).toEqual([
    ["start", "2026-11-27T10:00:00.000Z"],
    ["note", "2026-11-27T10:05:00.000Z"],
    ["severity", "2026-11-27T10:15:00.000Z"],
    ["resolve", "2026-11-27T10:35:00.000Z"],
  ]);
  const file = path.join(dir, `${started.id}.jsonl`);
  expect(
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).type),
  ).toEqual(["start", "note", "severity", "resolve"]);
  expect(() => store.note("late")).toThrow(`no open incident in ${dir}`);
  expect(() => store.note("late", started.id)).toThrow(
    `incident ${started.id} was resolved at 2026-11-27T10:35:00.000Z: start a new one`,
  );
});

test("with two open incidents a note must name one", () => {
  const store = new IncidentStore(dir, clock("2026-11-27T10:00:00Z", [1, 1, 1]));
  const a = store.start(2, "first");
  const b = store.start(3, "second");
  expect(() => store.note("which?")).toThrow(`2 incidents are open (${b.id}, ${a.id}): name one with --incident ID`);
  expect(store.note("this one", a.id).events).toHaveLength(2);
  expect(store.list().map((i) => i.id)).toEqual([b.id, a.id]);
});

test("the same title in the same minute gets a distinct id", () => {
  const store = new IncidentStore(dir, () => new Date("2026-11-27T10:00:00Z"));
  expect(store.start(4, "same").id).toBe("20261127-1000-same");
  expect(store.start(4, "same").id).toBe("20261127-1000-same-2");
});

test.each([
  ["", "x.jsonl is empty"],
  ['{"at":"2026-01-01T00:00:00Z","type":"note","text":"x"}', "x.jsonl:1: a timeline must begin with its start event"],
  ["not json", "x.jsonl:1 is not valid JSON"],
  ['{"at":"yesterday","type":"start"}', "x.jsonl:1 is not a timeline event"],
])("parseTimeline refuses %j", (text, message) => {
  expect(() => parseTimeline(text, "x.jsonl")).toThrow(message);
});

test("bad input is refused with a reason", () => {
  const store = new IncidentStore(dir);
  expect(() => store.start("9", "x")).toThrow('severity "9" is not one of 1, 2, 3, 4');
  expect(() => store.start(2, "  ")).toThrow("incident title is empty");
  expect(() => store.get("../../etc/passwd")).toThrow(`no incident "../../etc/passwd" in ${dir}`);
  writeFileSync(path.join(dir, "broken.jsonl"), "{");
  expect(() => store.list()).toThrow(`${path.join(dir, "broken.jsonl")}:1 is not valid JSON`);
});
