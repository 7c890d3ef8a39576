import { createHash } from 'node:crypto';

// An inline <script> (no `src`) and its text; a script element's content ends at the first `</script`.
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const HAS_SRC = /(?:^|\s)src\s*=/i;

/**
 * The base64 SHA-256 of each inline script of an HTML page, as a Content-Security-Policy `'sha256-…'` source
 * expects: the dashboard's theme script and SvelteKit's start-up script run, an injected one does not. The
 * browser hashes the text after its parser turned CRLF and CR into LF, so this does the same.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attributes = '', text = ''] of html.matchAll(SCRIPT)) {
    if (HAS_SRC.test(attributes)) continue;
    hashes.add(createHash('sha256').update(text.replace(/\r\n?/g, '\n'), 'utf8').digest('base64'));
  }
  return [...hashes];
}
