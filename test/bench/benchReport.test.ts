/** The benchmark's pure parts: targets per scale, per-round ratios, best-of, and the SVG chart. */
import { escapeXml, lineChart, niceTicks } from "../../bench/chart";
import { benchChart } from "../../bench/benchChart";
import { bestTimes, methodLabels, MethodTimes, roundRatios, ScaleResult, targets } from "../../bench/report";

const times = (k: number, over: Partial<MethodTimes> = {}): MethodTimes => ({
  readLimit: 500 * k,
  stockCustom: 1000 * k,
  stockDirectory: 800 * k,
  backup: 900 * k,
  playbookBackup: 2000 * k,
  stockRestore: 1600 * k,
  restore: 1640 * k,
  playbookRestore: 2400 * k,
  ...over,
});
const result = (scale: number, t: MethodTimes, rss = { backup: 90, restore: 95 }): ScaleResult => ({
  scale,
  times: t,
  rounds: [t],
  peakRssMiB: rss,
});

test("targets: backup vs stock from scale 1, vs the read limit from scale 10, restore at every scale, memory", () => {
  const list = targets([
    result(0.5, times(0.5)),
    result(1, times(1, { backup: 960 })),
    result(10, times(10, { backup: 6100 }), { backup: 120, restore: 100 }),
  ]);
  expect(list.map((t) => [t.name, t.scale, Number(t.value.toFixed(3)), t.met])).toEqual([
    ["restore / stock pg_restore", 0.5, 1.025, true],
    ["peak RSS", 0.5, 95, true],
    ["backup / stock pg_dump -Fc -Z1", 1, 0.96, false],
    ["restore / stock pg_restore", 1, 1.025, true],
    ["peak RSS", 1, 95, true],
    ["backup / stock pg_dump -Fc -Z1", 10, 0.61, true],
    ["backup / read limit", 10, 1.22, false],
    ["restore / stock pg_restore", 10, 1.025, true],
    ["peak RSS", 10, 120, true],
    ["peak RSS scale 10 / scale 0.5 (flat)", undefined, 1.263, false],
  ]);
});

test("per-round ratios pair each method with its reference of the same round; best-of takes each method's fastest", () => {
  const rounds = [times(1), times(1.2, { backup: 1000 })];
  expect(roundRatios(rounds).backupVsStockCustom.map((r) => Number(r.toFixed(3)))).toEqual([0.9, 0.833]);
  expect(bestTimes(rounds)).toEqual(times(1));
});

test.each<[number, number[]]>([
  [0, [0, 1]],
  [7, [0, 2, 4, 6, 8]],
  [1020, [0, 200, 400, 600, 800, 1000, 1200]],
  [1.07, [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]],
  [200, [0, 50, 100, 150, 200]],
])("niceTicks(%d)", (max, ticks) => {
  expect(niceTicks(max)).toEqual(ticks);
});

test("the chart is one SVG document: every series drawn, text escaped, sizes on the x axis", () => {
  const svg = benchChart(
    [
      { ...result(1, times(1)), database: { bytes: 100 * 1024 * 1024 } },
      { ...result(3, times(3)), database: { bytes: 300 * 1024 * 1024 } },
    ],
    methodLabels(2),
    "2 cores & <test>",
  );
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trim().endsWith("</svg>")).toBe(true);
  expect(svg).toContain("2 cores &amp; &lt;test&gt;");
  expect(svg.match(/<path /g)).toHaveLength(5 + 3 + 4 + 3);
  expect(svg).toContain("stock: pg_restore -j2 of our artifact");
  expect(escapeXml(`a"b`)).toBe("a&quot;b");
  expect(lineChart({ title: "t", xLabel: "x", panels: [{ title: "p", yLabel: "y", series: [] }] })).toContain("<svg");
});
