/** Composition root of `npm start`: config, logger, then the whole system in one process (built by embedded.ts). */
import { createLogger, runMain } from '@vigil/adapters';
import {
  authVars,
  commonVars,
  gatewayVars,
  loadConfig,
  processorVars,
  simulatorVars,
} from '@vigil/core/config';
import { signInBanner } from '@vigil/gateway';
import { startEmbedded } from './embedded.ts';

runMain('embedded', async (fail) => {
  const config = loadConfig(
    { ...commonVars, ...gatewayVars, ...authVars, ...simulatorVars, ...processorVars },
    process.env,
  );
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'vigil' });
  if (config.KAFKA_BROKERS || config.DATABASE_URL || config.S3_BUCKET) {
    logger.warn(
      'npm start runs embedded; KAFKA_BROKERS, DATABASE_URL and S3_* are used by npm run gateway|processor|simulator',
    );
  }
  const system = await startEmbedded({
    host: config.HOST,
    port: config.PORT,
    dataDir: config.DATA_DIR,
    simulatorRate: config.SIMULATOR_RATE,
    rulesFile: config.RULES_FILE,
    eventRetentionHours: config.EVENT_RETENTION_HOURS,
    auth: config,
    logger,
    onFatal: fail,
  });
  logger.info({ url: system.url }, 'Vigil is running');
  process.stdout.write(
    `\n  Vigil dashboard: ${system.url}\n${signInBanner(system.signInUrl)}  Ctrl-C stops it.\n\n`,
  );
  return system;
});
