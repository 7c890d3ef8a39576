// Container health check for the Vigil image, which has neither curl nor wget (node:22-bookworm-slim):
//   node deploy/healthcheck.mjs http://127.0.0.1:8080/api/health   → exit 0 on a 2xx answer
//   node deploy/healthcheck.mjs tcp://kafka:9092                    → exit 0 if a TCP connection opens
// Plain JavaScript on purpose: a check runs every few seconds, and starting tsx would cost more than the check.
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';

/** Past this, the target counts as down (the compose `timeout` is longer, so the message gets printed). */
export const PROBE_TIMEOUT_MS = 3_000;

/**
 * Probes one target; resolves with a one-line reason when it is down, null when it is up.
 * @param {string} target an http(s):// URL or tcp://host:port
 * @param {number} [timeoutMs]
 * @returns {Promise<string | null>}
 */
export async function probe(target, timeoutMs = PROBE_TIMEOUT_MS) {
  let url;
  try {
    url = new URL(target);
  } catch {
    return `not a URL: ${target}`;
  }
  if (url.protocol === 'tcp:') {
    return url.port ? probeTcp(url.hostname, Number(url.port), timeoutMs) : `no port in ${target}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `unsupported target ${target}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? null : `${target} answered ${response.status}`;
  } catch (err) {
    return `${target}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * @param {string} host
 * @param {number} port
 * @param {number} timeoutMs
 * @returns {Promise<string | null>}
 */
function probeTcp(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (/** @type {string | null} */ reason) => {
      socket.destroy();
      resolve(reason);
    };
    socket.once('connect', () => done(null));
    socket.once('timeout', () => done(`tcp://${host}:${port}: no answer within ${timeoutMs} ms`));
    socket.once('error', (err) => done(`tcp://${host}:${port}: ${err.message}`));
  });
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: node deploy/healthcheck.mjs <http://host:port/path | tcp://host:port>\n');
    process.exit(2);
  }
  const reason = await probe(target);
  if (reason) process.stderr.write(`unhealthy: ${reason}\n`);
  process.exit(reason ? 1 : 0);
}
