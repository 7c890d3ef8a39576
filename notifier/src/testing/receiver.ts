/**
 * Real HTTP receivers on loopback for the notifier's integration tests, playing a generic webhook, Slack,
 * Discord and PagerDuty: each checks the body against the documented shape (a bad one is answered 400 and
 * recorded), answers as the real service does (200 / 204 / 202, Discord with a message id), or as a test
 * asks (500, 429 with Retry-After, holding the answer), and can be stopped and started again on its port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverKind = 'webhook' | 'slack' | 'discord' | 'pagerduty';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  raw: string;
  /** When the request arrived (epoch ms). */
  at: number;
  /** The status answered, null while held; `aborted` when the sender went away before the answer. */
  answered: number | null;
  aborted: boolean;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v === 'string' && v.length > 0;

/** The first way `body` breaks the documented shape of `kind`, or null. */
export function shapeProblem(kind: ReceiverKind, method: string, body: unknown): string | null {
  if (!isRecord(body)) return 'not a JSON object';
  switch (kind) {
    case 'webhook': {
      if (body.version !== '4') return 'version is not "4"';
      for (const f of ['groupKey', 'receiver', 'externalURL']) if (!str(body[f])) return `${f} missing`;
      if (body.status !== 'firing' && body.status !== 'resolved') return 'status';
      if (!isRecord(body.groupLabels) || !isRecord(body.commonLabels) || !isRecord(body.commonAnnotations))
        return 'label maps';
      if (!Array.isArray(body.alerts) || body.alerts.length === 0) return 'alerts';
      for (const a of body.alerts as Record<string, unknown>[]) {
        const labels = a.labels as Record<string, unknown>;
        const annotations = a.annotations as Record<string, unknown>;
        if (!isRecord(labels) || !['ruleId', 'severity', 'source', 'key'].every((k) => str(labels[k])))
          return 'alert labels';
        if (
          !isRecord(annotations) ||
          !['title', 'message', 'value'].every((k) => typeof annotations[k] === 'string')
        )
          return 'alert annotations';
        for (const f of ['startsAt', 'endsAt', 'generatorURL', 'fingerprint'])
          if (!str(a[f])) return `alert ${f}`;
        if (a.status !== 'firing' && a.status !== 'resolved') return 'alert status';
      }
      return null;
    }
    case 'slack':
      if (!str(body.text)) return 'text missing';
      if (!Array.isArray(body.blocks) || body.blocks.length === 0 || body.blocks.length > 50) return 'blocks';
      return (body.blocks as Record<string, unknown>[]).every((b) => str(b.type))
        ? null
        : 'block without type';
    case 'discord': {
      const embeds = body.embeds;
      if (!Array.isArray(embeds) || embeds.length !== 1) return 'embeds';
      const e = embeds[0] as Record<string, unknown>;
      if (!str(e.title) || (e.title as string).length > 256) return 'embed title';
      if (typeof e.description !== 'string' || e.description.length > 4096) return 'embed description';
      return Number.isInteger(e.color) ? null : 'embed color';
    }
    case 'pagerduty': {
      if (!str(body.routing_key) || !str(body.dedup_key)) return 'routing_key / dedup_key';
      if (!['trigger', 'acknowledge', 'resolve'].includes(body.event_action as string)) return 'event_action';
      if (body.event_action !== 'trigger') return null;
      const p = body.payload as Record<string, unknown>;
      if (!isRecord(p) || !str(p.summary) || !str(p.source) || !str(p.timestamp)) return 'payload';
      return ['critical', 'error', 'warning', 'info'].includes(p.severity as string)
        ? null
        : 'payload.severity';
    }
  }
  return method ? null : 'no method';
}

/** What the real service answers to a good request. */
function normalAnswer(
  kind: ReceiverKind,
  req: IncomingMessage,
  body: Record<string, unknown>,
  n: number,
): Answer {
  if (kind === 'slack') return { status: 200, body: 'ok' };
  if (kind === 'pagerduty')
    return {
      status: 202,
      body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: body.dedup_key }),
    };
  if (kind === 'discord') {
    const editing = /\/messages\/([^/?]+)/.exec(req.url ?? '');
    if (editing)
      return { status: 200, body: JSON.stringify({ id: decodeURIComponent(editing[1]!), ...body }) };
    return req.url?.includes('wait=true')
      ? { status: 200, body: JSON.stringify({ id: `m${n}`, ...body }) }
      : { status: 204 };
  }
  return { status: 200, body: '{}' };
}

export function createReceiver(kind: ReceiverKind) {
  const received: Received[] = [];
  const scripted: Answer[] = [];
  let holding = false;
  const held: (() => void)[] = [];
  let server: Server | null = null;
  let port = 0;
  let posts = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // recorded with an empty body; the shape check refuses it
      }
      const entry: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        raw,
        at: Date.now(),
        answered: null,
        aborted: false,
      };
      received.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) entry.aborted = true;
      });
      // The sender went away before it had an answer (a held answer, a killed notifier).
      const onSocketClose = () => {
        if (entry.answered === null) entry.aborted = true;
      };
      req.socket.once('close', onSocketClose);
      // Keep-alive sockets carry many requests: drop this request's listener once it is answered.
      res.once('finish', () => req.socket.off('close', onSocketClose));
      const problem = shapeProblem(kind, entry.method, body);
      const answer: Answer = problem
        ? { status: 400, body: `bad ${kind} body: ${problem}` }
        : (scripted.shift() ?? normalAnswer(kind, req, body, ++posts));
      const respond = () => {
        if (res.destroyed || req.socket.destroyed) {
          entry.aborted = true;
          return;
        }
        res.writeHead(answer.status, {
          'content-type': answer.body?.startsWith('{') ? 'application/json' : 'text/plain',
          ...answer.headers,
        });
        res.end(answer.body ?? '');
        entry.answered = answer.status;
      };
      if (holding) held.push(respond);
      else respond();
    });
  };

  const receiver = {
    kind,
    received,
    get url() {
      return `http://127.0.0.1:${port}/${kind}`;
    },
    async start(): Promise<void> {
      server = createServer(handle);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
      port = (server.address() as AddressInfo).port;
    },
    /** Closes the port (connections too): senders see connection refused until `start()`. */
    async stop(): Promise<void> {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    /** The next requests get these answers, in order (then the normal one again). */
    script(...answers: Answer[]): void {
      scripted.push(...answers);
    },
    /** Holds every answer until `release()`. */
    hold(): void {
      holding = true;
    },
    release(): void {
      holding = false;
      for (const respond of held.splice(0)) respond();
    },
    /** Requests answered 2xx to a sender that was still there. */
    accepted(): Received[] {
      return received.filter(
        (r) => !r.aborted && r.answered !== null && r.answered >= 200 && r.answered < 300,
      );
    },
    /** Requests refused for their shape (400 from the check): a test expects none. */
    badShapes(): Received[] {
      return received.filter((r) => r.answered === 400 && shapeProblem(kind, r.method, r.body) !== null);
    },
  };
  return receiver;
}
export type Receiver = ReturnType<typeof createReceiver>;
