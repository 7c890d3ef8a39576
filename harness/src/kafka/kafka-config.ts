/** Everything the single-node test broker needs to know about where it runs. */
export interface KafkaLayout {
  port: number;
  controllerPort: number;
  dataDir: string;
  logFile: string;
}

/**
 * KRaft, one node acting as broker and controller, on loopback only. Internal topics get one
 * replica and one partition: there is one broker, and 50 offset partitions would slow the first
 * consumer group of every run. Topics are not auto-created: the bus adapter creates its own, as
 * it must against a production cluster where auto-creation is usually off.
 */
export const serverProperties = ({ port, controllerPort, dataDir }: KafkaLayout): string =>
  `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    // Lets tests use short consumer session timeouts when they exercise a member's death.
    'group.min.session.timeout.ms=1000',
    // Two shared cores: the defaults (8 I/O, 3 network threads) only add contention.
    'num.io.threads=2',
    'num.network.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'log.cleaner.threads=1',
  ].join('\n')}\n`;

/** Broker logs go to one file in the temp dir, never to the test runner's console. */
export const log4jProperties = ({ logFile }: KafkaLayout): string =>
  `${[
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // The per-request and state-change chatter is what makes the file large; keep warnings.
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.controller=WARN',
  ].join('\n')}\n`;
