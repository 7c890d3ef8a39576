import { WS_PATH } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { byProgram, services } from './deploy-fixture.ts';
import { nginxSeconds, parseNginxConf } from './nginx-conf.ts';
import { readRepoFile } from './repo.ts';

const proxy = services.proxy!;
const mount = proxy.volumes.find((v) => v.endsWith('/etc/nginx/conf.d/default.conf:ro'));
const confPath = (mount ?? 'deploy/proxy/nginx.conf').split(':')[0]!.replace(/^\.\//, '');
const conf = parseNginxConf(readRepoFile(confPath));

/** The last value of a directive in a location (location-level ones come after server-level ones). */
const directive = (location: string, name: string): string | undefined =>
  conf.locations
    .get(location)
    ?.filter((d) => d.startsWith(`${name} `))
    .at(-1)
    ?.slice(name.length + 1);

/** The uWS idle timeout the gateway pings within (gateway/src/transport/transport-limits.ts). */
function gatewayIdleTimeoutSeconds(): number {
  const text = readRepoFile('gateway/src/transport/transport-limits.ts');
  const match = /idleTimeoutSeconds:\s*([\d_]+)/.exec(text);
  if (!match) throw new Error('no numeric idleTimeoutSeconds default in transport-limits.ts');
  return Number(match[1]!.replace(/_/g, ''));
}

describe('reverse proxy (deploy/proxy/nginx.conf)', () => {
  it('is mounted read-only from the repository as the default server', () => {
    expect(mount).toBe('./deploy/proxy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
  });

  it('balances over exactly the gateway services, at the PORT each one listens on', () => {
    const gateways = byProgram('gateway').map((v) => `${v.service.name}:${v.service.environment.PORT}`);
    expect(conf.upstreams.size).toBe(1);
    const [upstream] = [...conf.upstreams.values()];
    expect(upstream!.servers.sort()).toEqual(gateways.sort());
  });

  it('spreads long-lived WebSockets by open connections (or pins clients by address)', () => {
    const [upstream] = [...conf.upstreams.values()];
    expect(upstream!.directives.some((d) => d === 'least_conn' || d === 'ip_hash')).toBe(true);
  });

  it('sends every location to the gateways, except its own health endpoint', () => {
    const [name] = [...conf.upstreams.keys()];
    for (const [location, list] of conf.locations) {
      if (list.some((d) => d.startsWith('return '))) continue;
      expect(directive(location, 'proxy_pass'), location).toBe(`http://${name}`);
    }
  });

  describe(`the WebSocket path (${WS_PATH})`, () => {
    const location = [`= ${WS_PATH}`, WS_PATH, '/'].find((l) => conf.locations.has(l))!;

    it('has a location of its own or is covered by /', () => {
      expect(location).toBeDefined();
    });

    it('forwards the upgrade handshake over HTTP/1.1', () => {
      expect(directive(location, 'proxy_http_version')).toBe('1.1');
      const headers = conf.locations.get(location)!.filter((d) => d.startsWith('proxy_set_header '));
      expect(headers).toContain('proxy_set_header Upgrade $http_upgrade');
      const connection = headers.find((h) => h.startsWith('proxy_set_header Connection '));
      expect(connection).toMatch(/ (\$connection_upgrade|"?upgrade"?)$/);
    });

    it('keeps idle sockets open longer than the gateway takes to ping them (and at least 5 minutes)', () => {
      const read = nginxSeconds(directive(location, 'proxy_read_timeout') ?? '60s');
      expect(read).toBeGreaterThanOrEqual(300);
      expect(read).toBeGreaterThan(gatewayIdleTimeoutSeconds());
    });
  });

  it('answers its own health check path without the gateways', () => {
    const url = proxy.healthcheck?.find((arg) => arg.startsWith('http://'));
    expect(url).toBeDefined();
    const path = new URL(url!).pathname;
    expect(conf.locations.get(`= ${path}`)?.some((d) => d.startsWith('return 200'))).toBe(true);
  });

  it('publishes the port it listens on', () => {
    const listen = conf.locations.get('/')?.find((d) => d.startsWith('listen '));
    const published = proxy.ports.map((p) => p.split(':').at(-1));
    expect(published).toContain(listen?.split(' ')[1]);
  });
});
