import kafkajs, { type LogEntry, type logLevel } from 'kafkajs';
import type { Logger } from 'pino';

// Values through the default export (module.exports): kafkajs is CommonJS, see kafka-bus.ts.
const LEVEL = kafkajs.logLevel;
/** kafkajs's level numbers, for tests that feed the bridge. */
export const KAFKA_LOG_LEVELS = LEVEL;

/** kafkajs filters by its own level first: ask it for debug lines only when pino would print them. */
export function kafkaLogLevel(logger: Logger): logLevel {
  if (logger.isLevelEnabled('debug')) return LEVEL.DEBUG;
  if (logger.isLevelEnabled('info')) return LEVEL.INFO;
  if (logger.isLevelEnabled('warn')) return LEVEL.WARN;
  if (logger.isLevelEnabled('error')) return LEVEL.ERROR;
  return LEVEL.NOTHING;
}

/** Sends kafkajs's own log lines to pino, as structured fields under `module: 'kafkajs'`. */
export function pinoLogCreator(logger: Logger): () => (entry: LogEntry) => void {
  const child = logger.child({ module: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs stamps its own time and logger name; pino adds both already.
      const {
        message,
        timestamp: _timestamp,
        logger: _logger,
        ...fields
      } = log as typeof log & { logger?: string };
      const line = { namespace, ...fields };
      // kafkajs logs every error code a broker answers with as an error, including the routine ones it
      // handles itself (a rebalance in progress, a coordinator still loading); a real failure still
      // reaches the caller as an error, so these are warnings here.
      const brokerAnswer = namespace === 'Connection' && message.startsWith('Response ');
      if (level === LEVEL.ERROR && !brokerAnswer) child.error(line, message);
      else if (level === LEVEL.WARN || level === LEVEL.ERROR) child.warn(line, message);
      else if (level === LEVEL.INFO) child.info(line, message);
      else child.debug(line, message);
    };
}
