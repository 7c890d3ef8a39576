/**
 * One benchmark suite. `npm run bench [-- --quick] [-- --only name,name]` (bench/src/run-bench.ts) runs the
 * suites in order, writes each result to bench/results/<name>.json, then the markdown summary
 * (bench/results/summary.md) and the HTML report with charts (bench/results/report.html).
 */
export interface SuiteContext {
  /** About 2.5 minutes for the whole run instead of the full sizes. */
  quick: boolean;
  /** Progress lines for the person watching (stderr). */
  log: (line: string) => void;
  /** Directory for scratch files (cleaned by the runner). */
  scratchDir: string;
}

/** A figure compared with its target of the issue; `met` is computed, never hard-coded. */
export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface SuiteResult {
  suite: string;
  date: string;
  /** Machine description: cores, memory, Node version, CPU model. */
  machine: Record<string, unknown>;
  /** Free-form figures (tables of rows) that the report renders and charts. */
  figures: Record<string, unknown>;
  targets: TargetCheck[];
  /** Where the time goes when a target is missed, and where the ceiling came from. */
  notes: string[];
  /** Optional: the few figures a reader wants first, one line each (summary.md lists them). */
  highlights?: string[];
  /** Optional: charts the HTML report draws (Chart.js line charts). */
  charts?: ChartSpec[];
}

/** One line chart of the HTML report. */
export interface ChartSpec {
  title: string;
  /** Default line; bar suits categories that are not a scale (sources, endpoints). */
  type?: 'line' | 'bar';
  xLabel: string;
  yLabel: string;
  /** Category labels on the x axis (e.g. percentiles); points then use these as x. Without them x is numeric. */
  categories?: string[];
  xLog?: boolean;
  yLog?: boolean;
  series: ChartSeries[];
}

export interface ChartSeries {
  label: string;
  points: { x: number | string; y: number | null }[];
}

export interface Suite {
  name: string;
  description: string;
  run(context: SuiteContext): Promise<SuiteResult>;
}
