import { type ComposeService, parseCompose } from './compose-model.ts';
import { readRepoFile, rootPackage } from './repo.ts';

export const compose = parseCompose(readRepoFile('docker-compose.yml'));
export const services = compose.services;

/** A service built from this repository, with the program it runs. */
export interface VigilService {
  service: ComposeService;
  /** The root npm script in its command (`gateway`). */
  script: string;
  /** The file that script runs (`gateway/src/main.ts`). */
  entry: string;
  /** The workspace of that file (`gateway`; the indexer's is `processor`). */
  workspace: string;
  /** Which program it is: the root script (`gateway`, `processor`, `simulator`, `indexer`). */
  program: string;
}

// `node --import tsx` rather than the tsx CLI: its wrapper process would stand between signals and the program.
const SCRIPT_TARGET = /^node --import tsx\s+(\S+\/src\/(?:[\w-]+-)?main\.ts)$/;

/** `npm run <script> [-- args]` → the script; throws with the service name on any other command. */
export function vigilService(service: ComposeService): VigilService {
  const [npm, run, script] = service.command;
  if (npm !== 'npm' || run !== 'run' || !script) {
    throw new Error(`${service.name}: command ${JSON.stringify(service.command)} is not "npm run <script>"`);
  }
  const target = rootPackage().scripts?.[script];
  const entry = target === undefined ? undefined : SCRIPT_TARGET.exec(target)?.[1];
  if (!entry)
    throw new Error(
      `${service.name}: root script "${script}" is ${target}, not "tsx <ws>/src/[<name>-]main.ts"`,
    );
  return { service, script, entry, workspace: entry.split('/')[0]!, program: script };
}

export const vigilServices: VigilService[] = Object.values(services)
  .filter((s) => s.build !== undefined)
  .map(vigilService);

export const byProgram = (program: string): VigilService[] =>
  vigilServices.filter((v) => v.program === program);

/** The `http://host:port/path` or `tcp://host:port` target of a `node deploy/healthcheck.mjs` check. */
export function probeTarget(service: ComposeService): URL | undefined {
  const test = service.healthcheck ?? [];
  const at = test.indexOf('deploy/healthcheck.mjs');
  return at > 0 && test[at + 1] ? new URL(test[at + 1]!) : undefined;
}
