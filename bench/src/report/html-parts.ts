import type { TargetCheck } from '../suite.ts';

/** Rows shown per figure table; bigger tables stay in the suite's JSON. */
const MAX_TABLE_ROWS = 400;

export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
  if (typeof value === 'object') {
    const json = JSON.stringify(value);
    return json.length > 160 ? `${json.slice(0, 157)}…` : json;
  }
  return String(value);
};

export function targetsTable(rows: { suite?: string; target: TargetCheck }[]): string {
  const withSuite = rows.some((r) => r.suite);
  const head = `<tr>${withSuite ? '<th>suite</th>' : ''}<th>target</th><th>measured</th><th>goal</th><th>met</th></tr>`;
  const body = rows
    .map(({ suite, target: t }) => {
      const met = t.met ? '<td class="yes">yes</td>' : '<td class="no">no</td>';
      const first = withSuite ? `<td>${escapeHtml(suite ?? '')}</td>` : '';
      return `<tr>${first}<td>${escapeHtml(t.name)}</td><td>${escapeHtml(t.measured)}</td><td>${escapeHtml(t.target)}</td>${met}</tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}

/** One figure: an array of row objects becomes a table; anything else is shown as JSON. */
export function figureBlock(name: string, value: unknown): string {
  const isRows =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  let inner: string;
  if (isRows) {
    const rows = value as Record<string, unknown>[];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const head = `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
    const body = rows
      .slice(0, MAX_TABLE_ROWS)
      .map((r) => `<tr>${columns.map((c) => `<td>${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`)
      .join('');
    const more =
      rows.length > MAX_TABLE_ROWS ? `<p>${rows.length - MAX_TABLE_ROWS} more rows in the JSON.</p>` : '';
    inner = `<div class="scroll"><table class="figures">${head}${body}</table></div>${more}`;
  } else {
    const json = JSON.stringify(value, null, 2) ?? 'undefined';
    inner = `<pre>${escapeHtml(json.length > 20_000 ? `${json.slice(0, 20_000)}\n…` : json)}</pre>`;
  }
  return `<details><summary>${escapeHtml(name)}</summary>${inner}</details>`;
}

export const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#111}
h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}.yes{color:#15803d;font-weight:600}.no{color:#b91c1c;font-weight:600}
.figures td,.figures th{font-size:12px;white-space:nowrap}.scroll{overflow-x:auto}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1rem}
.chart{height:340px;border:1px solid #eee;padding:.5rem}pre{background:#f8f8f8;padding:.5rem;overflow-x:auto}
.failed{background:#fef2f2;border:1px solid #fecaca;padding:.5rem}.meta{color:#555}
`;
