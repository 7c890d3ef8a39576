import { describe, expect, it } from 'vitest';
import { renderHtml } from './html-report.ts';
import type { ReportInput } from './report-input.ts';
import { renderSummary } from './summary-md.ts';

const input: ReportInput = {
  generatedAt: '2026-11-21T16:00:00.000Z',
  command: 'npm run bench -- --quick',
  quick: true,
  machine: { cores: 2, cpuModel: 'Xeon', memoryGiB: 23.5, node: 'v20.20.2', platform: 'linux' },
  entries: [
    {
      name: 'fanout',
      description: 'fan-out',
      status: 'ran',
      durationMs: 40_000,
      result: {
        suite: 'fanout',
        date: '2026-11-21T16:00:00.000Z',
        machine: {},
        figures: { steps: [{ server: 'vigil', rate: 500, p99Ms: 3.2 }], plan: { quick: true } },
        targets: [
          { name: 'Vigil vs ws | ratio', target: '≥ 5×', measured: '7.10×', met: true },
          { name: 'p99', target: '< 50 ms', measured: '80 ms', met: false },
        ],
        notes: ['the server saturated'],
        highlights: ['1,000 clients: Vigil 1 M/s'],
        charts: [
          {
            title: 'c</script>',
            xLabel: 'x',
            yLabel: 'y',
            series: [{ label: 's', points: [{ x: 1, y: 2 }] }],
          },
        ],
      },
    },
    { name: 'rest', description: 'REST', status: 'failed', error: 'boom\nat line' },
  ],
};

describe('summary.md', () => {
  const md = renderSummary(input);

  it('lists every target with measured, goal and met, escaping table pipes', () => {
    expect(md).toContain('| fanout | Vigil vs ws \\| ratio | 7.10× | ≥ 5× | yes |');
    expect(md).toContain('| fanout | p99 | 80 ms | < 50 ms | **no** |');
    expect(md).toContain('1 of 2 targets met; 1 suite(s) failed');
  });

  it('reports a failed suite with its error, and the key figures and notes of the others', () => {
    expect(md).toContain('| rest | (suite failed) | boom at line | — | **no** |');
    expect(md).toContain('- 1,000 clients: Vigil 1 M/s');
    expect(md).toContain('- the server saturated');
  });
});

describe('report.html', () => {
  const html = renderHtml(input, '/* chart.js */');

  it('is one page with Chart.js inline, one canvas per chart and the figures as tables', () => {
    expect(html).toContain('/* chart.js */');
    expect(html).toContain('<canvas id="chart-0">');
    expect(html).toContain('<th>p99Ms</th>');
  });

  it('cannot be broken out of by text in the data', () => {
    expect(html).not.toContain('c</script>');
    expect(html).toContain('c\\u003c/script>');
  });
});
