import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { dashboardCsp } from '../auth/security-headers.ts';
import { contentTypeOf } from './content-types.ts';
import type { HttpRequest, HttpResponse } from './http-types.ts';
import { inlineScriptHashes } from './inline-script-hashes.ts';
import { json } from './json-response.ts';

export interface StaticFilesOptions {
  /** The SvelteKit adapter-static build (ui/build). */
  dir: string;
  logger: Logger;
}

interface StaticFile {
  body: Buffer;
  etag: string;
  contentType: string;
  cacheControl: string;
  /** HTML pages only: the dashboard's policy, allowing exactly the page's own inline scripts. */
  csp?: string;
}

// Hashed file names change with their content, so they may be cached forever; the rest revalidates by ETag.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** SPA fallbacks of adapter-static, in order of preference. */
const FALLBACKS = ['200.html', 'index.html'];

/**
 * The relative path a URL path names, or null when it could leave the build directory: any `..`
 * segment (after percent-decoding), a backslash or a NUL byte is refused outright.
 */
export function safeRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed percent-encoding names no file; the caller answers 404
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  return segments.join('/');
}

/** Assets (a file extension or the `/_app/` tree) get a 404 when missing; anything else is a client-side route. */
const isAssetPath = (relative: string): boolean =>
  relative.startsWith('_app/') || /\.[a-z0-9]+$/i.test(relative.split('/').at(-1) ?? '');

function candidates(relative: string): string[] {
  if (relative === '') return ['index.html'];
  // Prerendered pages come as `page.html` or `page/index.html` depending on trailingSlash.
  return isAssetPath(relative) ? [relative] : [relative, `${relative}.html`, `${relative}/index.html`];
}

function notModified(request: HttpRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

/** Serves the built dashboard from memory: each file is read once, on its first request. */
export function createStaticFiles(options: StaticFilesOptions): {
  serve(request: HttpRequest): Promise<HttpResponse>;
} {
  const root = resolve(options.dir);
  const logger = options.logger.child({ module: 'static' });
  const cache = new Map<string, Promise<StaticFile | null>>();
  let realRoot: Promise<string> | undefined;

  async function load(relative: string): Promise<StaticFile | null> {
    const full = join(root, relative);
    const info = await stat(full).catch((err: NodeJS.ErrnoException) => {
      // Missing is an answer (the next candidate is tried); anything else (EACCES, EIO) is a real failure.
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!info?.isFile()) return null;
    // A symlink inside the build must not lead out of it.
    realRoot ??= realpath(root);
    const real = await realpath(full);
    const base = await realRoot;
    if (real !== base && !real.startsWith(base + sep)) {
      logger.warn({ path: relative }, 'static file outside the build directory refused');
      return null;
    }
    const body = await readFile(real);
    const contentType = contentTypeOf(relative);
    return {
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      contentType,
      cacheControl: relative.startsWith('_app/immutable/') ? IMMUTABLE : REVALIDATE,
      ...(contentType.startsWith('text/html')
        ? { csp: dashboardCsp(inlineScriptHashes(body.toString('utf8'))) }
        : {}),
    };
  }

  function get(relative: string): Promise<StaticFile | null> {
    let entry = cache.get(relative);
    if (!entry) {
      entry = load(relative);
      cache.set(relative, entry);
      // Only files that exist stay cached: random missing paths must not grow the map without bound.
      entry.then(
        (file) => file ?? cache.delete(relative),
        () => cache.delete(relative),
      );
    }
    return entry;
  }

  function answer(request: HttpRequest, file: StaticFile): HttpResponse {
    const headers = {
      'content-type': file.contentType,
      'cache-control': file.cacheControl,
      etag: file.etag,
      'x-content-type-options': 'nosniff',
      // Other files get the router's API policy (they run nothing themselves).
      ...(file.csp ? { 'content-security-policy': file.csp } : {}),
    };
    if (notModified(request, file.etag)) return { status: 304, headers, body: '' };
    return { status: 200, headers, body: request.method === 'HEAD' ? '' : file.body };
  }

  return {
    async serve(request) {
      const relative = safeRelativePath(request.path);
      if (relative !== null) {
        for (const candidate of candidates(relative)) {
          const file = await get(candidate);
          if (file) return answer(request, file);
        }
        if (!isAssetPath(relative)) {
          for (const fallback of FALLBACKS) {
            const file = await get(fallback);
            if (file) return answer(request, file);
          }
        }
      }
      return json(404, { error: 'not found', details: { path: request.path } });
    },
  };
}
