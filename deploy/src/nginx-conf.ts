/** The parts of an nginx config the proxy test checks; enough for a flat config, not a general parser. */
export interface NginxConf {
  /** Upstream name → its `server` lines as `host:port`. */
  upstreams: Map<string, { servers: string[]; directives: string[] }>;
  /** Location (`= /ws`, `/`) → its directives (`proxy_read_timeout 3600s`, …), server-level ones included. */
  locations: Map<string, string[]>;
}

const stripComments = (text: string): string => text.replace(/#[^\n]*/g, '');

/** The body of each `keyword args { ... }` block at one nesting level (no nested braces inside). */
function blocks(text: string, keyword: string): { args: string; body: string }[] {
  const found: { args: string; body: string }[] = [];
  for (const match of text.matchAll(new RegExp(`\\b${keyword}\\s+([^{;]*)\\{([^{}]*)\\}`, 'g'))) {
    found.push({ args: match[1]!.trim(), body: match[2]! });
  }
  return found;
}

const directives = (body: string): string[] =>
  body
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter(Boolean);

export function parseNginxConf(text: string): NginxConf {
  const clean = stripComments(text);
  const upstreams = new Map<string, { servers: string[]; directives: string[] }>();
  for (const { args, body } of blocks(clean, 'upstream')) {
    const list = directives(body);
    const servers = list.filter((d) => d.startsWith('server ')).map((d) => d.split(' ')[1]!);
    upstreams.set(args, { servers, directives: list });
  }
  const locations = new Map<string, string[]>();
  const serverBody = /\bserver\s*\{([\s\S]*)\}\s*$/.exec(clean.trim())?.[1] ?? '';
  const serverLevel = directives(serverBody.replace(/\blocation\s+[^{]*\{[^{}]*\}/g, ''));
  for (const { args, body } of blocks(serverBody, 'location')) {
    locations.set(args, [...serverLevel, ...directives(body)]);
  }
  return { upstreams, locations };
}

/** An nginx time (`3600s`, `1h`, `90`) in seconds. */
export function nginxSeconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? 's']!;
  return Number(match[1]) * unit;
}
