import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../scenarios/registry.ts';

/** What a typed line can do. */
export interface CommandHandlers {
  inject(name: ScenarioName): void;
  stats(): void;
  quit(): void;
}

export const COMMAND_HELP = `type a scenario name and Enter to inject it (${SCENARIO_NAMES.join(', ')}); "stats"; "quit"`;

/** Acts on one line typed on stdin. A failing command is logged, never fatal: the run goes on. */
export function handleCommand(line: string, handlers: CommandHandlers, logger: Logger): void {
  const command = line.trim().toLowerCase();
  if (command === '') return;
  try {
    if (isScenarioName(command)) handlers.inject(command);
    else if (command === 'stats') handlers.stats();
    else if (command === 'quit' || command === 'exit') handlers.quit();
    else if (command === 'help' || command === '?') logger.info(COMMAND_HELP);
    else logger.warn({ command }, `unknown command; ${COMMAND_HELP}`);
  } catch (err) {
    logger.warn({ err, command }, 'command failed');
  }
}

/** Reads commands line by line until stop() or the end of the input. */
export function readCommands(input: Readable, handlers: CommandHandlers, logger: Logger): { stop(): void } {
  const lines = createInterface({ input, terminal: false });
  lines.on('line', (line) => handleCommand(line, handlers, logger));
  logger.info(COMMAND_HELP);
  return {
    stop() {
      lines.close();
      // readline leaves a TTY stdin flowing, which would keep the process alive after the run.
      input.pause();
    },
  };
}
