/** One fan-out server under test, as the server process (../server-main.ts) drives it. */
export interface BenchServer {
  /** Where clients connect: ws://…/ws, or http://… for Socket.IO. */
  readonly url: string;
  /** Publishes `count` new alerts now, each stamped with its publish time. */
  publish(count: number): void | Promise<void>;
  /** Resolves once everything published is ready to go out (Vigil: ingested by the alert feed). */
  settled(): Promise<void>;
  /** The benchSeq of the last alert published. */
  readonly lastSeq: number;
  stop(): Promise<void>;
}

/** Options every server takes; only Vigil uses the bus ones. */
export interface BenchServerOptions {
  runId: string;
  /** Messages the in-process bus keeps on the alerts topic. */
  retention: number;
  /** Smaller resume ring (forces the bus-range path); only honoured where the gateway allows it. */
  ringMaxAlerts?: number;
}
