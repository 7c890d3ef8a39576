import { machineLine } from '../lib/machine.ts';
import { chartConfig, createColorOf } from './chart-config.ts';
import { escapeHtml, figureBlock, STYLE, targetsTable } from './html-parts.ts';
import type { ReportEntry, ReportInput } from './report-input.ts';

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function suiteSection(
  entry: ReportEntry,
  charts: Record<string, unknown>[],
  colorOf: (label: string) => string,
): string {
  const parts = [`<section id="${escapeHtml(entry.name)}"><h2>${escapeHtml(entry.name)}</h2>`];
  parts.push(`<p>${escapeHtml(entry.description)}</p>`);
  if (entry.status === 'failed') {
    parts.push(
      `<div class="failed"><strong>Failed in this run.</strong><pre>${escapeHtml(entry.error ?? '')}</pre></div></section>`,
    );
    return parts.join('');
  }
  const result = entry.result!;
  const when = entry.status === 'earlier' ? `from an earlier run, ${result.date}` : `run ${result.date}`;
  parts.push(
    `<p class="meta">${escapeHtml(when)}${entry.durationMs ? `, took ${Math.round(entry.durationMs / 1000)} s` : ''}</p>`,
  );
  if (result.highlights?.length)
    parts.push(`<ul>${result.highlights.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>`);
  if (result.targets.length > 0) parts.push(targetsTable(result.targets.map((target) => ({ target }))));
  if (result.charts?.length) {
    parts.push('<div class="charts">');
    for (const spec of result.charts) {
      const id = `chart-${charts.length}`;
      charts.push({ id, config: chartConfig(spec, colorOf) });
      parts.push(`<div class="chart"><canvas id="${id}"></canvas></div>`);
    }
    parts.push('</div>');
  }
  if (result.notes.length > 0)
    parts.push(`<h3>Notes</h3><ul>${result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  parts.push('<h3>Figures</h3>');
  for (const [name, value] of Object.entries(result.figures)) parts.push(figureBlock(name, value));
  parts.push(`<p class="meta">Machine: ${escapeHtml(machineLine(result.machine))}</p></section>`);
  return parts.join('');
}

/** bench/results/report.html: one self-contained page (Chart.js inlined), no network needed to view it. */
export function renderHtml(input: ReportInput, chartJs: string): string {
  const charts: Record<string, unknown>[] = [];
  const allTargets = input.entries.flatMap((e) =>
    e.status === 'failed'
      ? [
          {
            suite: e.name,
            target: { name: '(suite failed)', target: '—', measured: e.error ?? '', met: false },
          },
        ]
      : (e.result?.targets ?? []).map((target) => ({ suite: e.name, target })),
  );
  const colorOf = createColorOf();
  const sections = input.entries.map((e) => suiteSection(e, charts, colorOf)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil bench report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Vigil bench report</h1>
<p class="meta">Generated ${escapeHtml(input.generatedAt)} by <code>${escapeHtml(input.command)}</code>${input.quick ? ' (quick mode)' : ''}.
Machine: ${escapeHtml(machineLine(input.machine))}.</p>
<nav>${input.entries.map((e) => `<a href="#${escapeHtml(e.name)}">${escapeHtml(e.name)}</a>`).join(' · ')}</nav>
<h2>Targets</h2>
${targetsTable(allTargets)}
${sections}
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const CHARTS = ${scriptJson(charts)};
for (const { id, config } of CHARTS) new Chart(document.getElementById(id), config);
</script>
</body></html>
`;
}
