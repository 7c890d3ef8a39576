/**
 * Docker's .dockerignore matching, for the patterns this repository uses: `*` and `?` within one path
 * segment, `**` across segments, and a matched directory excluding everything under it. `!` exceptions are
 * refused rather than half supported.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const exception = patterns.find((p) => p.startsWith('!'));
  if (exception) throw new Error(`exception patterns are not supported by this checker: ${exception}`);
  const regexps = patterns.map((pattern) => {
    const body = pattern
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .map((segment) =>
        segment === '**'
          ? '.*'
          : segment
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
      )
      .join('/')
      .replace(/\.\*\//g, '(?:.*/)?');
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  return (path) => regexps.some((re) => re.test(path));
}
