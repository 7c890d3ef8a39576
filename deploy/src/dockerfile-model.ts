/** One build stage of a Dockerfile: its base image (ARGs resolved) and its instructions in order. */
export interface DockerStage {
  name: string;
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** Splits a Dockerfile into stages; joins continued lines, drops comments, resolves global `ARG` defaults. */
export function parseDockerfile(text: string): DockerStage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages: DockerStage[] = [];
  const resolve = (value: string) =>
    value.replace(/\$\{?(\w+)\}?/g, (match, name: string) => globalArgs[name] ?? match);
  for (const line of lines) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const upper = keyword!.toUpperCase();
    if (upper === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      const from = resolve(image!);
      stages.push({
        name: as?.toUpperCase() === 'AS' ? name! : String(stages.length),
        from,
        instructions: [],
      });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [name, value] = args.split('=');
      if (value !== undefined) globalArgs[name!] = value;
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

/** The sources and destination of a COPY: `COPY --from=deps a b dest` → { from: 'deps', sources, dest }. */
export function copyParts(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** The Node major of a `node:<tag>` image (`node:22-bookworm-slim` → 22), or undefined for other images. */
export function nodeMajor(image: string): number | undefined {
  const match = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)/.exec(image);
  return match ? Number(match[1]) : undefined;
}
