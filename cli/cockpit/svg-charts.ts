// Small charts drawn on the server as SVG strings (pure): a bar per item, a column per hour. No
// script, no library: the browser draws them, a screen reader gets the title and the table beside.

/** Text made safe for HTML and SVG: element content and attribute values alike. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export interface ChartItem {
  label: string;
  value: number;
  /** What is written at the end of the bar, e.g. "12,400". */
  text: string;
}

const LABEL_WIDTH = 200;
const BAR_WIDTH = 360;
const VALUE_WIDTH = 110;
const ROW = 22;

/** Horizontal bars, largest first as given; at most `max` items (the table beside has them all). */
export function barChart(title: string, items: readonly ChartItem[], max = 12): string {
  const shown = items.slice(0, max);
  const top = Math.max(1, ...shown.map((i) => i.value));
  const height = Math.max(ROW, shown.length * ROW) + 4;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const rows = shown.map((item, index) => {
    const y = index * ROW + 2;
    const w = Math.max(item.value > 0 ? 1 : 0, Math.round((item.value / top) * BAR_WIDTH));
    const label = item.label.length > 28 ? `${item.label.slice(0, 27)}…` : item.label;
    return (
      `<text x="${LABEL_WIDTH - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(label)}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w}" height="${ROW - 6}" rx="2"></rect>` +
      `<text x="${LABEL_WIDTH + w + 6}" y="${y + 15}">${escapeHtml(item.text)}</text>`
    );
  });
  const empty = shown.length === 0 ? `<text x="${LABEL_WIDTH}" y="16">no usage yet</text>` : '';
  return (
    `<svg class="chart bars" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title>${escapeHtml(title)}</title>${rows.join('')}${empty}</svg>`
  );
}

export interface ColumnItem {
  label: string;
  value: number;
  text: string;
  /** Drawn hollow: the hour has not come yet. */
  future?: boolean;
}

/** One column per item (the hours of a day), labelled every third, the highest value on the axis. */
export function columnChart(title: string, items: readonly ColumnItem[]): string {
  const plot = 160;
  const column = 26;
  const left = 60;
  const width = left + items.length * column + 10;
  const height = plot + 30;
  const top = Math.max(1, ...items.map((i) => i.value));
  const columns = items.map((item, index) => {
    const x = left + index * column;
    const h = Math.max(item.value > 0 ? 1 : 0, Math.round((item.value / top) * plot));
    const label =
      index % 3 === 0
        ? `<text x="${x + column / 2}" y="${plot + 20}" text-anchor="middle">${escapeHtml(item.label)}</text>`
        : '';
    return (
      `<rect class="${item.future ? 'future' : 'past'}" x="${x + 3}" y="${plot - h + 4}" width="${column - 6}" height="${h}">` +
      `<title>${escapeHtml(`${item.label}:00 ${item.text}`)}</title></rect>${label}`
    );
  });
  const axis =
    `<line x1="${left}" y1="${plot + 4}" x2="${width - 10}" y2="${plot + 4}"></line>` +
    `<text x="${left - 6}" y="14" text-anchor="end">${escapeHtml(compact(top))}</text>` +
    `<text x="${left - 6}" y="${plot + 4}" text-anchor="end">0</text>`;
  return (
    `<svg class="chart columns" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title>${escapeHtml(title)}</title>${axis}${columns.join('')}</svg>`
  );
}

/** 1234 → "1.2k", 2500000 → "2.5M": for axis labels only; tables carry the exact numbers. */
export function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
