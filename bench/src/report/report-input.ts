import type { SuiteResult } from '../suite.ts';

/** One suite as the summary and the HTML report show it. */
export interface ReportEntry {
  name: string;
  description: string;
  /** ran: in this run; earlier: its JSON from a previous run; failed: threw (or timed out) in this run. */
  status: 'ran' | 'earlier' | 'failed';
  result?: SuiteResult;
  error?: string;
  durationMs?: number;
}

export interface ReportInput {
  generatedAt: string;
  /** The command line that produced this run, e.g. "npm run bench -- --quick". */
  command: string;
  quick: boolean;
  machine: Record<string, unknown>;
  entries: ReportEntry[];
}

/** True for a value with the shape of a SuiteResult (older result files of another shape are skipped). */
export function isSuiteResult(value: unknown): value is SuiteResult {
  const v = value as Partial<SuiteResult> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.suite === 'string' &&
    typeof v.date === 'string' &&
    Array.isArray(v.targets) &&
    Array.isArray(v.notes) &&
    typeof v.figures === 'object'
  );
}
