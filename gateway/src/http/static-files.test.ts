import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP } from '../auth/security-headers.ts';
import { safeRelativePath } from './static-files.ts';
import { request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';

// The Content-Security-Policy spec's own example: the hash of this script's text.
const HELLO = "alert('Hello, world.');";
const HELLO_HASH = 'qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=';

const FILES: Record<string, string> = {
  'index.html': '<html>index</html>',
  'scripts.html': `<html><head><script>${HELLO}</script><script type="module" src="/_app/a.js"></script></head><body><SCRIPT defer>\r\n  go();\r\n</SCRIPT ></body></html>`,
  '200.html': '<html>spa</html>',
  'about.html': '<html>about</html>',
  'docs/index.html': '<html>docs</html>',
  'favicon.png': 'PNG',
  'robots.txt': 'User-agent: *',
  '_app/version.json': '{"version":"1"}',
  '_app/immutable/entry/app.B4x9.js': 'export {}',
  '_app/immutable/assets/app.C2f.css': 'body{}',
};

let base: string;
let build: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vigil-static-'));
  build = join(base, 'build');
  for (const [name, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(build, name)), { recursive: true });
    await writeFile(join(build, name), content);
  }
  await writeFile(join(base, 'secret.txt'), 'top secret');
  await symlink(join(base, 'secret.txt'), join(build, 'leak.txt'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const text = (body: string | Uint8Array) => Buffer.from(body).toString('utf8');

async function get(path: string, headers: Record<string, string> = {}, method = 'GET', dir = build) {
  const { router } = makeRouter({ staticDir: dir });
  const response = await router({ ...request(method, '/', { headers }), path });
  return { ...response, text: text(response.body) };
}

describe('static dashboard', () => {
  describe('serves files with their content type and cache policy', () => {
    it.each([
      ['/', 'text/html; charset=utf-8', 'no-cache', FILES['index.html']],
      ['/index.html', 'text/html; charset=utf-8', 'no-cache', FILES['index.html']],
      ['/favicon.png', 'image/png', 'no-cache', 'PNG'],
      ['/robots.txt', 'text/plain; charset=utf-8', 'no-cache', FILES['robots.txt']],
      ['/_app/version.json', 'application/json; charset=utf-8', 'no-cache', FILES['_app/version.json']],
      [
        '/_app/immutable/entry/app.B4x9.js',
        'text/javascript; charset=utf-8',
        'public, max-age=31536000, immutable',
        'export {}',
      ],
      [
        '/_app/immutable/assets/app.C2f.css',
        'text/css; charset=utf-8',
        'public, max-age=31536000, immutable',
        'body{}',
      ],
    ])('%s', async (path, type, cache, body) => {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers?.['content-type']).toBe(type);
      expect(response.headers?.['cache-control']).toBe(cache);
      expect(response.text).toBe(body);
    });
  });

  it('serves prerendered pages by their route', async () => {
    expect((await get('/about')).text).toBe(FILES['about.html']);
    expect((await get('/docs/')).text).toBe(FILES['docs/index.html']);
    expect((await get('/docs')).text).toBe(FILES['docs/index.html']);
  });

  it('answers unknown client-side routes with the SPA fallback (200.html first)', async () => {
    const response = await get('/alerts/abc');
    expect(response.status).toBe(200);
    expect(response.text).toBe(FILES['200.html']);
    expect(response.headers?.['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html when the build has no 200.html', async () => {
    const only = join(base, 'index-only');
    await mkdir(only, { recursive: true });
    await writeFile(join(only, 'index.html'), 'only index');
    expect((await get('/alerts/abc', {}, 'GET', only)).text).toBe('only index');
  });

  it.each(['/_app/immutable/entry/missing.js', '/missing.png', '/_app/nothing'])(
    '404 for missing asset %s',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(JSON.parse(response.text)).toEqual({ error: 'not found', details: { path } });
    },
  );

  it('never falls back for API paths', async () => {
    for (const path of ['/api/nope', '/api', '/metrics/x', '/ws']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    }
  });

  describe('path traversal', () => {
    it.each([
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/_app/../../secret.txt',
      '/..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/index.html%00.png',
      '/leak.txt',
    ])('never serves a file outside the build: %s', async (path) => {
      const response = await get(path);
      expect(response.text).not.toContain('top secret');
      expect(response.status).toBe(404);
    });
    it('refuses unsafe relative paths', () => {
      expect(safeRelativePath('/a/../b')).toBeNull();
      expect(safeRelativePath('/%E0%A4%A')).toBeNull();
      expect(safeRelativePath('/a/./b//c')).toBe('a/b/c');
    });
  });

  describe('ETag', () => {
    it('answers 304 to a matching If-None-Match, also in a list or weak', async () => {
      const first = await get('/favicon.png');
      const etag = first.headers?.etag ?? '';
      expect(etag).toMatch(/^"[\w-]+"$/);
      for (const header of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
        const again = await get('/favicon.png', { 'if-none-match': header });
        expect(again.status).toBe(304);
        expect(again.text).toBe('');
        expect(again.headers?.etag).toBe(etag);
      }
      expect((await get('/favicon.png', { 'if-none-match': '"stale"' })).status).toBe(200);
    });
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await get('/robots.txt', {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.text).toBe('');
  });

  it('answers 405 with Allow to other methods', async () => {
    const response = await get('/index.html', {}, 'POST');
    expect(response.status).toBe(405);
    expect(response.headers?.allow).toBe('GET, HEAD');
  });

  describe('Content-Security-Policy', () => {
    const policy = (response: { headers?: Record<string, string> }) =>
      response.headers?.['content-security-policy'] ?? '';

    it('gives an HTML page the dashboard policy allowing exactly its inline scripts, by hash', async () => {
      const response = await get('/scripts.html');
      expect(response.status).toBe(200);
      const scriptSrc = policy(response)
        .split('; ')
        .find((d) => d.startsWith('script-src '));
      // The external module script needs no hash ('self'); CRLF is hashed as the HTML parser leaves it: LF.
      const crlfHash = `sha256-${createHash('sha256').update('\n  go();\n').digest('base64')}`;
      expect(scriptSrc).toBe(`script-src 'self' 'sha256-${HELLO_HASH}' '${crlfHash}'`);
      expect(policy(response)).toContain("frame-ancestors 'none'");
      expect(policy(response)).toContain("connect-src 'self'");
    });

    it('keeps it on the SPA fallback, on 304 and on HEAD', async () => {
      const page = await get('/alerts/abc');
      expect(policy(page)).toMatch(/^default-src 'self'; script-src 'self'(;|$)/);
      expect(policy(await get('/alerts/abc', {}, 'HEAD'))).toBe(policy(page));
      const etag = page.headers?.etag ?? '';
      const again = await get('/alerts/abc', { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(policy(again)).toBe(policy(page));
    });

    it.each(['/favicon.png', '/_app/immutable/entry/app.B4x9.js', '/robots.txt', '/missing.png'])(
      "gives %s the API's deny-all policy",
      async (path) => {
        expect(policy(await get(path))).toBe(API_CSP);
      },
    );
  });

  it('reads a file once and serves it from memory afterwards', async () => {
    const { router } = makeRouter({ staticDir: build });
    const name = 'changing.txt';
    await writeFile(join(build, name), 'v1');
    const read = async () => text((await router({ ...request('GET', '/'), path: `/${name}` })).body);
    expect(await read()).toBe('v1');
    await writeFile(join(build, name), 'v2');
    expect(await read()).toBe('v1');
  });

  it('answers JSON 404 everywhere outside the API when no staticDir is given', async () => {
    const { router } = makeRouter();
    const response = await router(request('GET', '/'));
    expect(response.status).toBe(404);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
  });
});
