import { randomUUID } from 'node:crypto';
import { fanoutCharts } from '../fanout/fanout-charts.ts';
import { fanoutHighlights, fanoutNotes } from '../fanout/fanout-notes.ts';
import type { FanoutOutcome } from '../fanout/fanout-outcome.ts';
import { type ClientTier, eightyPercentRate, type FanoutPlan, fanoutPlan } from '../fanout/fanout-plan.ts';
import { SERVER_LABELS, type ServerKind } from '../fanout/fanout-protocol.ts';
import { fanoutTargets, LATENCY_TIER } from '../fanout/fanout-targets.ts';
import { openSession, type ServerSession, spawnServer } from '../fanout/server-session.ts';
import { sweep } from '../fanout/sweep.ts';
import { describeMachine } from '../lib/machine.ts';
import { type NodeChild, spawnNode } from '../lib/spawn-node.ts';
import type { Suite, SuiteContext, SuiteResult } from '../suite.ts';

/** Niceness of the client processes (see runTier). */
const CLIENT_NICENESS = 10;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Sweeps, then Vigil's 80 % step and profile (1k tier), recording everything into `outcome`. */
async function measure(
  sessions: ServerSession[],
  tier: ClientTier,
  outcome: FanoutOutcome,
  log: (line: string) => void,
): Promise<void> {
  try {
    const saturating = await sweep(sessions, tier.rates, tier.clients);
    const vigil = sessions.find((s) => s.kind === 'vigil');
    if (vigil && tier.clients === LATENCY_TIER) {
      const kept = vigil.rows.filter((r) => r.keptUp && r.kind === 'sweep').map((r) => r.rate);
      const eighty = eightyPercentRate(kept);
      if (eighty) await vigil.step(eighty, '80pct');
      // Profiled at the rate where it fell behind: the profile then says where the ceiling's time goes.
      const rate = saturating.get(vigil) ?? tier.rates[tier.rates.length - 1]!;
      try {
        outcome.profiles.push({
          server: 'vigil',
          clients: tier.clients,
          rate,
          top: await vigil.profile(rate),
        });
      } catch (err) {
        log(`  profiling Vigil failed: ${errorText(err)}`);
      }
    }
  } finally {
    // Kept even when a later step failed: what was measured stays in the result.
    for (const session of sessions) {
      outcome.rows.push(...session.rows);
      outcome.curves.push(...session.curves);
      outcome.connectMs.push({ server: session.kind, clients: tier.clients, ms: session.connectMs });
    }
  }
}

/** One client tier: every server, interleaved or one after another. */
async function runTier(
  plan: FanoutPlan,
  tier: ClientTier,
  runId: string,
  outcome: FanoutOutcome,
  log: (line: string) => void,
) {
  log(
    `${tier.clients} clients in ${tier.processes} client processes${tier.interleave ? ', servers interleaved' : ''}`,
  );
  // Servers start together with the clients (they idle until their turn): start-up is most of a quick run.
  const servers = plan.servers.map((kind) => spawnServer(kind, runId, log));
  const clientProcs: NodeChild[] = Array.from({ length: tier.processes }, (_, i) =>
    spawnNode({
      name: `clients-${i + 1}`,
      script: new URL('../fanout/client-main.ts', import.meta.url),
      // The clients yield the CPU to the server when both want it: the bench measures the server.
      niceness: CLIENT_NICENESS,
      log,
    }),
  );
  const sessionPlan = (kind: ServerKind) => ({
    kind,
    clients: tier.clients,
    stepMs: plan.stepMs,
    drainMs: plan.drainMs,
    warmupMs: plan.warmupMs,
    warmupRate: tier.rates[0]!,
  });
  const open = async (index: number): Promise<ServerSession | null> => {
    const kind = plan.servers[index]!;
    try {
      return await openSession(sessionPlan(kind), servers[index]!, clientProcs, log);
    } catch (err) {
      log(`  ${SERVER_LABELS[kind]} × ${tier.clients} failed: ${errorText(err)}`);
      outcome.errors.push({ server: kind, clients: tier.clients, error: errorText(err) });
      return null;
    }
  };
  try {
    await Promise.all(clientProcs.map((p) => p.ready));
    if (tier.interleave) {
      const sessions: ServerSession[] = [];
      for (const index of plan.servers.keys()) {
        const session = await open(index);
        if (session) sessions.push(session);
      }
      try {
        await measure(sessions, tier, outcome, log);
      } finally {
        await Promise.all(sessions.map((s) => s.close()));
      }
    } else {
      for (const index of plan.servers.keys()) {
        const session = await open(index);
        if (!session) continue;
        try {
          await measure([session], tier, outcome, log);
        } catch (err) {
          outcome.errors.push({ server: session.kind, clients: tier.clients, error: errorText(err) });
        } finally {
          await session.close();
        }
      }
    }
  } finally {
    await Promise.all([...clientProcs, ...servers].map((p) => p.stop()));
  }
}

async function run(context: SuiteContext): Promise<SuiteResult> {
  const plan = fanoutPlan(context.quick);
  const runId = randomUUID().slice(0, 8);
  const outcome: FanoutOutcome = {
    tiers: plan.tiers.map((t) => t.clients),
    servers: plan.servers,
    rows: [],
    curves: [],
    profiles: [],
    errors: [],
    connectMs: [],
  };
  for (const tier of plan.tiers) {
    try {
      await runTier(plan, tier, runId, outcome, context.log);
    } catch (err) {
      // A failed interleaved sweep takes its whole tier; the rows measured before the failure are kept.
      context.log(`tier of ${tier.clients} clients failed: ${errorText(err)}`);
      for (const server of plan.servers)
        outcome.errors.push({ server, clients: tier.clients, error: errorText(err) });
    }
  }
  const targets = fanoutTargets(outcome);
  return {
    suite: 'fanout',
    date: new Date().toISOString(),
    machine: describeMachine(),
    figures: {
      plan,
      steps: outcome.rows,
      latencyCurves: outcome.curves,
      profiles: outcome.profiles,
      connectMs: outcome.connectMs,
      errors: outcome.errors,
    },
    targets,
    notes: fanoutNotes(outcome),
    highlights: fanoutHighlights(outcome),
    charts: fanoutCharts(outcome),
  };
}

export const fanoutSuite: Suite = {
  name: 'fanout',
  description:
    'WebSocket fan-out: Vigil gateway vs raw uWebSockets.js, ws and Socket.IO; 1k (and 10k) clients, rising alert rates',
  run,
};
