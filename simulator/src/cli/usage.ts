import { SCENARIO_NAMES, SCENARIOS } from '../scenarios/registry.ts';

export const USAGE = `vigil-simulator: realistic events for Vigil's four sources, with anomaly scenarios.

Usage: npm start -w simulator -- [options]      (or: npx tsx simulator/src/main.ts [options])

Destination (one is required):
  KAFKA_BROKERS=host:port,...   publish to the events.<source> topics of that Kafka cluster
  --stdout                      write NDJSON to stdout instead (bare events with one --sources value,
                                {"source","event"} lines otherwise); logs then go to stderr

Options:
  --rate <n>               events/s, the daily mean (env SIMULATOR_RATE, default 50; 0 turns it off)
  --duration <t>           stop after this much time (90s, 5m, 1h, 250ms)
  --count <n>              stop after this many events
  --sources <list>         logs,metrics,transactions,security (default: all)
  --seed <int>             random seed (env SIMULATOR_SEED; default: a random one, logged)
  --scenario <list>        scenarios to inject right away (repeatable, comma-separated, or "all")
  --scenario-every <t>     inject the --scenario list (default: all) in turn, one every <t>, from the start
  --fast                   do not pace: simulated time runs as fast as the destination takes events
  --start <iso>            simulated start time (with --fast; default: now)
  --diurnal <0..0.9>       time-of-day swing of the load (default 0.25, 0 for a flat rate)
  --partitions <n>         partitions of event topics the simulator creates (default 6)
  --progress-every <t>     progress log interval (default 5s)
  --interactive            read scenario names from stdin (default when stdin is a terminal)
  --no-interactive         never read stdin
  --list-scenarios         print the scenarios and the rules they trigger
  -h, --help

Scenarios: ${SCENARIO_NAMES.join(', ')}
`;

export const scenarioList = (): string =>
  `${SCENARIO_NAMES.map((name) => `${name.padEnd(18)} ${SCENARIOS[name].triggers.join(', ')}\n${' '.repeat(19)}${SCENARIOS[name].description}`).join('\n')}\n`;
