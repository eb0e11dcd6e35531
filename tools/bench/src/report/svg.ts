/** Hand-written SVG line charts: small, dependency-free, one file per run. */

export interface Point {
  x: number;
  y: number;
  /** Drawn as an open circle (the proxy suites mark steps that were not clean). */
  hollow?: boolean;
}

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: Point[];
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Logarithmic y axis (response times span 0.1 ms to seconds). */
  logY?: boolean;
}

const W = 480;
const H = 340;
const M = { left: 64, right: 16, top: 36, bottom: 48 };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values (1, 2, 5 x 10^k steps) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function label(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(0);
  return String(Number(v.toPrecision(6)));
}

function chartSvg(c: Chart, ox: number): string {
  const pts = c.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!c.logY || p.y > 0));
  const xs = niceTicks(0, Math.max(1, ...pts.map((p) => p.x)));
  let ys: number[];
  if (c.logY) {
    const lo = Math.floor(Math.log10(Math.min(...pts.map((p) => p.y), 1)));
    const hi = Math.ceil(Math.log10(Math.max(...pts.map((p) => p.y), 10)));
    ys = Array.from({ length: hi - lo + 1 }, (_v, i) => 10 ** (lo + i));
  } else {
    ys = niceTicks(0, Math.max(...pts.map((p) => p.y), 0.1));
  }
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x0 = xs[0]!;
  const x1 = xs[xs.length - 1]!;
  const fy = (v: number): number => (c.logY ? Math.log10(v) : v);
  const y0 = fy(ys[0]!);
  const y1 = fy(ys[ys.length - 1]!);
  const px = (v: number): number => ox + M.left + ((v - x0) / (x1 - x0)) * pw;
  const py = (v: number): number => M.top + ph - ((fy(v) - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<g class="chart">`);
  out.push(`<text x="${ox + W / 2}" y="20" text-anchor="middle" font-weight="bold">${escapeXml(c.title)}</text>`);
  for (const t of xs) {
    out.push(`<line x1="${px(t).toFixed(1)}" y1="${M.top}" x2="${px(t).toFixed(1)}" y2="${M.top + ph}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${px(t).toFixed(1)}" y="${M.top + ph + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ys) {
    out.push(`<line x1="${ox + M.left}" y1="${py(t).toFixed(1)}" x2="${ox + M.left + pw}" y2="${py(t).toFixed(1)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${ox + M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<rect x="${ox + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${ox + M.left + pw / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(c.xLabel)}</text>`);
  out.push(`<text transform="translate(${ox + 16} ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(c.yLabel)}</text>`);
  for (const s of c.series) {
    const sp = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!c.logY || p.y > 0)).sort((a, b) => a.x - b.x);
    if (sp.length === 0) continue;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${sp.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of sp) {
      const fill = p.hollow ? `fill="white" stroke="${s.color}"` : `fill="${s.color}"`;
      out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" ${fill}/>`);
    }
    out.push(`</g>`);
  }
  out.push(`</g>`);
  return out.join('\n');
}

/** Charts side by side with one shared legend below (series are matched by name). */
export function renderSvg(title: string, charts: readonly Chart[], footnote = ''): string {
  const legend = new Map<string, Series>();
  for (const c of charts) for (const s of c.series) if (!legend.has(s.name)) legend.set(s.name, s);
  const rows = Math.ceil(legend.size / 3);
  const width = W * charts.length;
  const height = H + 30 + rows * 20 + (footnote ? 30 : 10);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  charts.forEach((c, i) => out.push(chartSvg(c, i * W)));
  [...legend.values()].forEach((s, i) => {
    const x = 20 + (i % 3) * (width / 3);
    const y = H + 24 + Math.floor(i / 3) * 20;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 28}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${x + 34}" y="${y}">${escapeXml(s.name)}</text>`);
  });
  if (footnote) out.push(`<text x="20" y="${height - 12}" fill="#555">${escapeXml(footnote)}</text>`);
  out.push(`</svg>`);
  return `${out.join('\n')}\n`;
}
