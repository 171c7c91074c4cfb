import { StepTimer } from "../../../runtime/lib/drills/stepTimer";

function clock(...times: number[]) {
  const queue = [...times];
  return () => {
    const t = queue.shift();
    if (t === undefined) throw new Error("clock read more often than expected");
    return t;
  };
}

test("records each step's start and duration, and the RTO from incident to recovery", async () => {
  const timer = new StepTimer("pitr", {}, clock(1000, 1250, 2000, 2000, 2400, 5000, 5000, 5000));
  await timer.step("seed", async () => "seeded");
  await timer.step("delete", async () => timer.markIncident());
  await timer.step("recover", async () => timer.markRecovered());
  expect(timer.steps).toEqual([
    { name: "seed", startedAt: "1970-01-01T00:00:01.000Z", durationMs: 250 },
    { name: "delete", startedAt: "1970-01-01T00:00:02.000Z", durationMs: 400 },
    { name: "recover", startedAt: "1970-01-01T00:00:05.000Z", durationMs: 0 },
  ]);
  expect(timer.rtoMs()).toBe(3000);
});

test("no RTO until both the incident and the recovery are marked", async () => {
  const timer = new StepTimer("restore", {}, () => 10);
  expect(timer.rtoMs()).toBeUndefined();
  timer.markIncident();
  expect(timer.rtoMs()).toBeUndefined();
});

test("a failing step is recorded with its error and rethrown", async () => {
  const timer = new StepTimer("failover", {}, clock(0, 30));
  await expect(
    timer.step("restore", async () => {
      throw new Error("pg_restore exited with code 1");
    }),
  ).rejects.toThrow("pg_restore exited with code 1");
  expect(timer.steps).toEqual([
    { name: "restore", startedAt: "1970-01-01T00:00:00.000Z", durationMs: 30, error: "pg_restore exited with code 1" },
  ]);
});

test("an aborted signal stops the drill before the next step runs, but clean-up still runs", async () => {
  const controller = new AbortController();
  const timer = new StepTimer("pitr", { signal: controller.signal });
  const work = jest.fn(async () => undefined);
  controller.abort(new Error("interrupted by SIGINT"));
  await expect(timer.step("branch", work)).rejects.toThrow("interrupted by SIGINT");
  expect(work).not.toHaveBeenCalled();
  await timer.record("clean up", work);
  expect(work).toHaveBeenCalledTimes(1);
});

test("beforeStep sees every step by name and can fail one (fault injection)", async () => {
  const seen: string[] = [];
  const timer = new StepTimer("pitr", {
    beforeStep: (drill, step) => {
      seen.push(`${drill}/${step}`);
      if (step === "two") throw new Error("injected");
    },
  });
  await timer.step("one", async () => 1);
  await expect(timer.step("two", async () => 2)).rejects.toThrow("injected");
  expect(seen).toEqual(["pitr/one", "pitr/two"]);
  expect(timer.steps.map((s) => s.name)).toEqual(["one"]);
});
