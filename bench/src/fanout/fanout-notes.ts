import { WS_AUTH_NOTE } from '../lib/bench-auth.ts';
import { ceilingCause, OTHERS_PERCENT } from './ceiling-cause.ts';
import { type FanoutOutcome, fmtInt, fmtMs, fmtRate, neverSaturated, peakRow } from './fanout-outcome.ts';
import { SERVER_LABELS } from './fanout-protocol.ts';
import { missedTargetNotes } from './missed-notes.ts';
import { type StepRow, THROUGHPUT_GAIN } from './step-row.ts';

/** The best deliveries per server core-second over a server's steps at a client count (rates ≥ 1 k/s only). */
function efficiency(outcome: FanoutOutcome, server: StepRow['server'], clients: number): number | null {
  const rows = outcome.rows.filter(
    (r) =>
      r.server === server && r.clients === clients && r.kind !== 'profiled' && r.deliveriesPerSec >= 1_000,
  );
  return rows.length > 0 ? Math.max(...rows.map((r) => r.deliveriesPerServerCoreSec)) : null;
}

/** Where the time goes and where each ceiling came from, as plain sentences for the report. */
export function fanoutNotes(outcome: FanoutOutcome): string[] {
  const notes: string[] = [];
  for (const clients of outcome.tiers) {
    for (const server of outcome.servers) {
      const peak = peakRow(outcome.rows, server, clients);
      if (!peak) continue;
      const tag = `${SERVER_LABELS[server]}, ${fmtInt(clients)} clients`;
      if (neverSaturated(outcome.rows, server, clients)) {
        notes.push(
          `${tag}: kept up with every offered rate (up to ${fmtInt(peak.rate)} alerts/s, ${fmtRate(peak.deliveriesPerSec)} deliveries/s); ` +
            `its ceiling is above what was offered. At that rate: ${ceilingCause(peak)}.`,
        );
      } else {
        notes.push(
          `${tag}: ceiling ${fmtRate(peak.deliveriesPerSec)} deliveries/s at ${fmtInt(peak.rate)} alerts/s offered; ${ceilingCause(peak)}.`,
        );
      }
    }
  }
  for (const clients of outcome.tiers) {
    const vigil = efficiency(outcome, 'vigil', clients);
    const uws = efficiency(outcome, 'uws', clients);
    if (vigil && uws) {
      notes.push(
        `Efficiency, ${fmtInt(clients)} clients (best step, deliveries per second of server CPU): Vigil ` +
          `${fmtRate(vigil)}, raw uWS ${fmtRate(uws)} — Vigil spends ${(uws / vigil).toFixed(2)}× the CPU of bare ` +
          'uWS per delivery (bus, feed, ring and filter groups on top of the same native publish). This ratio holds ' +
          'even when the machine, not the server, set the throughput ceiling.',
      );
    }
  }
  for (const profile of outcome.profiles) {
    const top = profile.top
      .slice(0, 8)
      .map((e) => `${e.fn} ${e.selfPercent} %`)
      .join('; ');
    const share = (match: (fn: string) => boolean) =>
      Math.round(profile.top.filter((e) => match(e.fn)).reduce((sum, e) => sum + e.selfPercent, 0));
    const gateway = share((fn) => fn.includes(' gateway/src/'));
    const native = share((fn) => fn === 'publish' || fn === 'getBufferedAmount');
    notes.push(
      `CPU profile of the ${SERVER_LABELS[profile.server]} process at ${fmtInt(profile.rate)} alerts/s × ${fmtInt(profile.clients)} clients, ` +
        `top self time (share of busy samples): ${top}. Names without a file are native: \`publish\` and ` +
        '`getBufferedAmount` are uWS bindings (publish includes uWS writing the frame to every socket, kernel ' +
        'time included), "(program)" is other native code, "(garbage collector)" is GC. Of the top ' +
        `entries, Vigil's own code (gateway/src) takes ${gateway} % and the uWS bindings ${native} %.`,
    );
  }
  notes.push(...missedTargetNotes(outcome));
  if (outcome.tiers.includes(10_000)) {
    notes.push(
      'At 10,000 clients one broadcast costs ≈ 85–110 ms of kernel time on these 2 cores (≈ 10 µs per socket write, ' +
        'whatever the server), so latency there is dominated by the kernel; latency targets are read at 1,000 clients.',
    );
  }
  notes.push(
    'Why the uWS-based servers climb past the rate they keep up with: a server that cannot broadcast each alert on its ' +
      'own puts several frames into one write per socket (uWS queues publishes per socket until the event loop turns), so ' +
      'its deliveries/s keep rising while its published alerts/s fall short of the offered rate, at the price of latency ' +
      '(see p50/p99 at the peak). `ws` and Socket.IO write every frame to every socket on its own, so their ceiling comes ' +
      'at the lowest rates. The sweep therefore goes on after a step that fell behind as long as it raised deliveries/s by ' +
      `${Math.round((THROUGHPUT_GAIN - 1) * 100)} % or more and delivered every alert to every client; the peak counts only such complete steps.`,
    'Method: every 10th connection of each client process parses a sample of its frames for the publish timestamp ' +
      '(≈ 20,000 parses/s in all); every frame is counted without parsing, and every socket of a client process reads ' +
      "into one shared buffer (Node's per-read 64 KiB allocation had doubled the clients' CPU in earlier runs). Server " +
      'and clients run in separate processes on the same 2 cores, so a step saturating the machine measures server and ' +
      'clients together (see the CPU columns).',
    'Vigil RSS includes the in-process bus (≤ 50,000 retained alerts), the gateway resume ring (up to 100,000 alerts) — ' +
      'memory a Kafka deployment moves out of the gateway only for the bus — and the in-memory PGlite holding its identities.',
    WS_AUTH_NOTE,
  );
  const others = outcome.rows.map((r) => r.otherCpuPercent);
  const meanOthers = others.length ? others.reduce((a, b) => a + b, 0) / others.length : 0;
  if (meanOthers >= OTHERS_PERCENT) {
    notes.push(
      `Processes outside the bench used ${Math.round(meanOthers)} % of a core on average during the steps (up to ` +
        `${Math.round(Math.max(...others))} %): absolute figures are lower than on an idle machine, and the servers, ` +
        'measured one after another, did not all see the same background load.',
    );
  }
  for (const error of outcome.errors) {
    notes.push(`${SERVER_LABELS[error.server]} × ${fmtInt(error.clients)} failed: ${error.error}`);
  }
  return notes;
}

/** The lines summary.md lists first. */
export function fanoutHighlights(outcome: FanoutOutcome): string[] {
  return outcome.tiers.map((clients) => {
    const parts = outcome.servers.map((server) => {
      const peak = peakRow(outcome.rows, server, clients);
      if (!peak) return `${SERVER_LABELS[server]} —`;
      return `${SERVER_LABELS[server]} ${fmtRate(peak.deliveriesPerSec)}/s (p50 ${fmtMs(peak.p50Ms)} ms, p99 ${fmtMs(peak.p99Ms)} ms at ${fmtInt(peak.rate)} alerts/s)`;
    });
    return `${fmtInt(clients)} clients, peak deliveries/s: ${parts.join('; ')}`;
  });
}
