/**
 * The HTTP/1.1 request that opens a WebSocket (RFC 6455 §4.1), written by hand by the raw client.
 * `headers` go on the upgrade itself: Vigil admits a socket by its `Authorization: Bearer` there.
 */
export function upgradeRequest(options: {
  url: string;
  /** Sec-WebSocket-Key: 16 random bytes, base64. */
  key: string;
  headers?: Readonly<Record<string, string>>;
}): string {
  const { host, pathname, search } = new URL(options.url);
  const lines = [
    `GET ${pathname}${search} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${options.key}`,
    'Sec-WebSocket-Version: 13',
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    // A CR or LF in a header would end the request early and let the rest be read as another one.
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`header ${name} contains a line break`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
