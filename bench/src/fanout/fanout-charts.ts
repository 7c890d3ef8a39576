import { CURVE_PERCENTILES } from '../lib/latency-histogram.ts';
import type { ChartSpec } from '../suite.ts';
import { type FanoutOutcome, fmtInt } from './fanout-outcome.ts';
import { SERVER_LABELS } from './fanout-protocol.ts';
import type { StepRow } from './step-row.ts';

const percentileLabel = (p: number) => (p === 0 ? 'min' : p === 100 ? 'max' : `p${p}`);

/** Throughput and latency curves per server, one set per client tier. */
export function fanoutCharts(outcome: FanoutOutcome): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const clients of outcome.tiers) {
    const sweep = (server: string) =>
      outcome.rows.filter((r) => r.server === server && r.clients === clients && r.kind === 'sweep');
    const byServer = (y: (r: StepRow) => number) =>
      outcome.servers.map((server) => ({
        label: SERVER_LABELS[server],
        points: sweep(server).map((r) => ({ x: r.rate, y: y(r) })),
      }));
    const allRates = [...new Set(outcome.rows.filter((r) => r.clients === clients).map((r) => r.rate))].sort(
      (a, b) => a - b,
    );
    const tier = `${fmtInt(clients)} clients`;
    charts.push({
      title: `Deliveries/s vs offered alerts/s — ${tier}`,
      xLabel: 'alerts/s offered',
      yLabel: 'deliveries/s',
      xLog: true,
      yLog: true,
      series: [
        ...byServer((r) => r.deliveriesPerSec),
        { label: 'offered × clients', points: allRates.map((rate) => ({ x: rate, y: rate * clients })) },
      ],
    });
    charts.push({
      title: `p99 delivery latency vs offered alerts/s — ${tier}`,
      xLabel: 'alerts/s offered',
      yLabel: 'p99 ms',
      xLog: true,
      yLog: true,
      series: byServer((r) => Math.max(0.01, r.p99Ms)),
    });
    charts.push({
      title: `Server CPU vs offered alerts/s — ${tier}`,
      xLabel: 'alerts/s offered',
      yLabel: '% of one core',
      xLog: true,
      series: byServer((r) => r.serverCpuPercent),
    });
    charts.push({
      title: `Deliveries per server CPU-second vs offered alerts/s — ${tier}`,
      xLabel: 'alerts/s offered',
      yLabel: 'deliveries per core-second',
      xLog: true,
      yLog: true,
      series: byServer((r) => r.deliveriesPerServerCoreSec),
    });
    charts.push({
      title: `Server RSS vs offered alerts/s — ${tier}`,
      xLabel: 'alerts/s offered',
      yLabel: 'MiB',
      xLog: true,
      series: byServer((r) => r.serverRssMiB),
    });
    // The highest rate every server was measured at, so the curves compare like with like.
    const common = allRates.filter((rate) =>
      outcome.servers.every((s) => sweep(s).some((r) => r.rate === rate)),
    );
    const rate = common[common.length - 1];
    const curves = outcome.curves.filter(
      (c) => c.clients === clients && ((c.kind === 'sweep' && c.rate === rate) || c.kind === '80pct'),
    );
    if (curves.length > 0) {
      charts.push({
        title: `Delivery latency percentiles — ${tier}${rate ? `, ${fmtInt(rate)} alerts/s` : ''}`,
        xLabel: 'percentile',
        yLabel: 'ms',
        yLog: true,
        categories: CURVE_PERCENTILES.map(percentileLabel),
        series: curves.map((c) => ({
          label:
            c.kind === '80pct'
              ? `${SERVER_LABELS[c.server]} at ${fmtInt(c.rate)}/s (80 % of max)`
              : SERVER_LABELS[c.server],
          points: c.points.map((p) => ({ x: percentileLabel(p.percentile), y: Math.max(0.01, p.ms) })),
        })),
      });
    }
  }
  return charts;
}
