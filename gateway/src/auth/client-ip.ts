/**
 * The client's address for rate limits, caps and the audit log. Behind a reverse proxy every request comes
 * from the proxy, so with TRUST_PROXY the proxy's `X-Real-IP` (or the last `X-Forwarded-For` hop, the one the
 * proxy appended) names the client. Only when the gateway is reachable through the proxy alone: anyone who
 * can reach it directly could otherwise claim any address.
 */
export function clientIp(
  headers: Readonly<Record<string, string>>,
  peer: string,
  trustProxy: boolean,
): string {
  if (!trustProxy) return peer;
  const real = headers['x-real-ip']?.trim();
  if (real) return real.slice(0, 64);
  const forwarded = headers['x-forwarded-for']?.split(',').at(-1)?.trim();
  return forwarded ? forwarded.slice(0, 64) : peer;
}
