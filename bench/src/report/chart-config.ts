import type { ChartSpec } from '../suite.ts';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#64748b', '#ca8a04'];

/** One colour per series name across every chart of a page ("Vigil gateway at 400/s …" shares Vigil's). */
export function createColorOf(): (label: string) => string {
  const assigned = new Map<string, string>();
  return (label) => {
    const key = label.split(' at ')[0]!;
    let color = assigned.get(key);
    if (!color) {
      color = PALETTE[assigned.size % PALETTE.length]!;
      assigned.set(key, color);
    }
    return color;
  };
}

/** A Chart.js 4 line or bar chart configuration (plain JSON, embedded in the page) for one ChartSpec. */
export function chartConfig(spec: ChartSpec, colorOf = createColorOf()): Record<string, unknown> {
  const categories = spec.categories;
  const datasets = spec.series.map((series) => {
    const color = colorOf(series.label);
    const data = categories
      ? categories.map((c) => series.points.find((p) => p.x === c)?.y ?? null)
      : series.points.map((p) => ({ x: p.x, y: p.y }));
    const dashed = series.label.startsWith('offered') || series.label.includes('80 %');
    return {
      label: series.label,
      data,
      borderColor: color,
      backgroundColor: color,
      borderDash: dashed ? [6, 4] : undefined,
      pointRadius: 3,
      spanGaps: true,
    };
  });
  const axis = (text: string, log: boolean | undefined, type: string) => ({
    type: log ? 'logarithmic' : type,
    title: { display: true, text },
  });
  return {
    type: spec.type ?? 'line',
    data: categories ? { labels: categories, datasets } : { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: spec.title }, legend: { position: 'bottom' } },
      scales: {
        x: axis(spec.xLabel, spec.xLog, categories ? 'category' : 'linear'),
        y: axis(spec.yLabel, spec.yLog, 'linear'),
      },
    },
  };
}
