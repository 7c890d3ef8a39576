import { machineLine } from '../lib/machine.ts';
import type { ReportEntry, ReportInput } from './report-input.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function targetRows(entry: ReportEntry): string[] {
  if (entry.status === 'failed')
    return [`| ${entry.name} | (suite failed) | ${cell(entry.error ?? 'unknown error')} | — | **no** |`];
  const targets = entry.result?.targets ?? [];
  if (targets.length === 0) return [`| ${entry.name} | (no targets) | — | — | — |`];
  return targets.map(
    (t) =>
      `| ${entry.name} | ${cell(t.name)} | ${cell(t.measured)} | ${cell(t.target)} | ${t.met ? 'yes' : '**no**'} |`,
  );
}

function section(entry: ReportEntry): string[] {
  const lines = [`## ${entry.name}`, '', entry.description, ''];
  if (entry.status === 'failed') {
    lines.push(
      `**Failed** in this run${entry.durationMs ? ` after ${Math.round(entry.durationMs / 1000)} s` : ''}:`,
      '',
    );
    lines.push('```', entry.error ?? 'unknown error', '```', '');
    return lines;
  }
  const result = entry.result!;
  const when = entry.status === 'earlier' ? `from an earlier run (${result.date})` : `run ${result.date}`;
  lines.push(`_${when}${entry.durationMs ? `, took ${Math.round(entry.durationMs / 1000)} s` : ''}_`, '');
  for (const line of result.highlights ?? []) lines.push(`- ${line}`);
  if ((result.highlights ?? []).length > 0) lines.push('');
  if (result.notes.length > 0) {
    lines.push('Notes:', '');
    for (const note of result.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  return lines;
}

/** bench/results/summary.md: every target (measured vs target, met), then each suite's key figures and notes. */
export function renderSummary(input: ReportInput): string {
  const met = input.entries.flatMap((e) => e.result?.targets ?? []).filter((t) => t.met).length;
  const total = input.entries.flatMap((e) => e.result?.targets ?? []).length;
  const failed = input.entries.filter((e) => e.status === 'failed').length;
  const lines = [
    '# Vigil benchmarks — summary',
    '',
    `Generated ${input.generatedAt} by \`${input.command}\`${input.quick ? ' (quick mode: short steps, 1,000 clients only)' : ''}.`,
    `Machine: ${machineLine(input.machine)}.`,
    '',
    `${met} of ${total} targets met${failed > 0 ? `; ${failed} suite(s) failed` : ''}. Charts: \`report.html\`; raw figures: \`<suite>.json\`.`,
    '',
    '| suite | target | measured | goal | met |',
    '|---|---|---|---|---|',
    ...input.entries.flatMap(targetRows),
    '',
    ...input.entries.flatMap(section),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
