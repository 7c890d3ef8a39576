export interface BenchArgs {
  quick: boolean;
  /** Suite names to run; null: all. */
  only: string[] | null;
  help: boolean;
}

/** `--quick`, `--only a,b` (or `--only=a,b`), `--help`; anything else is an error listing every bad argument. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: null, help: false };
  const bad: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) bad.push(`${arg} needs a comma-separated list of suites`);
      else
        args.only = [
          ...(args.only ?? []),
          ...value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ];
    } else bad.push(`unknown argument ${arg}`);
  }
  if (bad.length > 0) throw new Error(bad.join('; '));
  return args;
}
