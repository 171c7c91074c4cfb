/**
 * A dependency-free SVG line chart: panels side by side, each with its own y axis, series as
 * lines through their points, one legend per panel. Pure: data in, SVG text out.
 */

export interface Series {
  name: string;
  color: string;
  /** Dashed: a reference (PostgreSQL's own tools, the playbook) rather than what is measured. */
  dashed?: boolean;
  points: { x: number; y: number }[];
}

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  panels: Panel[];
  /** Panels per row (default: all in one row). */
  columns?: number;
}

const PANEL_W = 400;
const PLOT_H = 210;
const MARGIN = { left: 58, right: 16, top: 80 };
/** Below the plot: tick labels and the x axis title, then one legend row per series. */
const AXIS_H = 45;
const LEGEND_ROW = 17;
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

/** Ticks 1, 2 or 5 times a power of ten apart, at most `count` + 1 intervals, covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const power = 10 ** Math.floor(Math.log10(max / (count + 1)));
  const step = [1, 2, 5, 10, 20].map((m) => m * power).find((s) => max / s <= count + 1)!;
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step * 0.999; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1000 ? `${v / 1000}k` : String(v);
}

function panelSvg(panel: Panel, xLabel: string, xMax: number, offsetX: number, offsetY: number): string {
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PLOT_H;
  const yMax = Math.max(...panel.series.flatMap((s) => s.points.map((p) => p.y)), 0);
  const xTicks = niceTicks(xMax, 5);
  const yTicks = niceTicks(yMax, 5);
  const xTop = xTicks[xTicks.length - 1];
  const yTop = yTicks[yTicks.length - 1];
  const x = (v: number) => offsetX + MARGIN.left + (v / xTop) * w;
  const y = (v: number) => offsetY + MARGIN.top + h - (v / yTop) * h;
  const parts: string[] = [];
  parts.push(
    `<text x="${offsetX + MARGIN.left + w / 2}" y="${offsetY + MARGIN.top - 14}" text-anchor="middle" font-size="14" font-weight="bold" ${FONT}>${escapeXml(panel.title)}</text>`,
  );
  for (const t of yTicks) {
    parts.push(
      `<line x1="${x(0)}" y1="${y(t)}" x2="${x(xTop)}" y2="${y(t)}" stroke="#e3e3e3" stroke-width="1"/>`,
      `<text x="${x(0) - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11" fill="#444" ${FONT}>${formatTick(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(0) + 4}" stroke="#444"/>`,
      `<text x="${x(t)}" y="${y(0) + 17}" text-anchor="middle" font-size="11" fill="#444" ${FONT}>${formatTick(t)}</text>`,
    );
  }
  parts.push(
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(xTop)}" y2="${y(0)}" stroke="#444"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(yTop)}" stroke="#444"/>`,
    `<text x="${x(xTop / 2)}" y="${y(0) + 34}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(xLabel)}</text>`,
    `<text transform="translate(${offsetX + 16} ${y(yTop / 2)}) rotate(-90)" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(panel.yLabel)}</text>`,
  );
  for (const s of panel.series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ");
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      ...pts.map((p) => `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3.2" fill="${s.color}"/>`),
    );
  }
  panel.series.forEach((s, i) => {
    const ly = y(0) + AXIS_H + 8 + i * LEGEND_ROW;
    const lx = offsetX + MARGIN.left;
    parts.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 24}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      `<text x="${lx + 30}" y="${ly}" font-size="11" ${FONT}>${escapeXml(s.name)}</text>`,
    );
  });
  return parts.join("\n");
}

/** The whole chart as an SVG document. */
export function lineChart(spec: ChartSpec): string {
  const columns = Math.max(1, Math.min(spec.columns ?? spec.panels.length, spec.panels.length));
  const rows = Math.ceil(spec.panels.length / columns);
  const legendRows = Math.max(...spec.panels.map((p) => p.series.length));
  const rowHeight = MARGIN.top + PLOT_H + AXIS_H + legendRows * LEGEND_ROW + 12;
  const width = PANEL_W * columns;
  const height = rowHeight * rows;
  const xMax = Math.max(...spec.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.x))));
  const body = spec.panels
    .map((p, i) => panelSvg(p, spec.xLabel, xMax, (i % columns) * PANEL_W, Math.floor(i / columns) * rowHeight))
    .join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold" ${FONT}>${escapeXml(spec.title)}</text>`,
    spec.subtitle
      ? `<text x="${width / 2}" y="40" text-anchor="middle" font-size="11" fill="#555" ${FONT}>${escapeXml(spec.subtitle)}</text>`
      : "",
    body,
    "</svg>",
    "",
  ].join("\n");
}
