/**
 * Request/reply over the Node IPC channel between the bench runner and the processes it spawns
 * (servers and client pools). The parent side is spawn-node.ts; this is the child side.
 */
export interface IpcRequest {
  id: number;
  type: string;
  payload?: unknown;
}

export interface IpcReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Unsolicited child → parent message (`ready` once set up). */
export interface IpcEvent {
  event: string;
  data?: unknown;
}

export type IpcHandlers = Record<string, (payload: never) => unknown>;

const send = (message: IpcReply | IpcEvent) => {
  if (process.connected) process.send?.(message);
};

/** Tells the parent this child is set up, with whatever it needs to know (a port, a pid). */
export const announceReady = (data: unknown) => send({ event: 'ready', data });

/**
 * Answers the parent's requests with `handlers[type](payload)`. A `stop` request is answered by
 * running `onStop` and exiting. If the parent goes away (crash, kill) the child exits too, so no
 * bench process ever outlives the runner.
 */
export function serveRequests(handlers: IpcHandlers, onStop: () => Promise<void> | void): void {
  const exit = async (code: number) => {
    try {
      await onStop();
    } finally {
      process.exit(code);
    }
  };
  process.on('disconnect', () => void exit(0));
  process.on('message', async (raw) => {
    const request = raw as IpcRequest;
    if (request.type === 'stop') {
      send({ id: request.id, ok: true });
      await exit(0);
      return;
    }
    const handler = handlers[request.type];
    try {
      if (!handler) throw new Error(`unknown request type ${request.type}`);
      const result = await handler(request.payload as never);
      send({ id: request.id, ok: true, result });
    } catch (err) {
      send({
        id: request.id,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
  });
}
