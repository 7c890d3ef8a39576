import { parse } from 'yaml';

/** One compose service, normalised: list or map forms become one shape, `${VAR:-default}` is resolved. */
export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  command: string[];
  entrypoint: string[];
  environment: Record<string, string>;
  /** The `test` of the health check as an exec array; undefined when none is defined (or it is disabled). */
  healthcheck?: string[];
  /** Dependency name → condition (`service_started` for the short list form). */
  dependsOn: Record<string, string>;
  ports: string[];
  volumes: string[];
  restart?: string;
  init?: boolean;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: string[];
}

type Raw = Record<string, unknown>;

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Compose's interpolation with an empty shell environment: every `${VAR}` must carry a default, so the
 * file works without a .env file; `$$` is a literal `$`.
 */
export function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(VARIABLE, (match, braced?: string, fallback?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = braced ?? bare!;
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (fallback === undefined) throw new Error(`\${${name}} has no default: the file needs a .env to start`);
    return fallback;
  });
}

const resolveAll = (node: unknown, env: Record<string, string>): unknown => {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => resolveAll(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveAll(v, env)]));
  }
  return node;
};

const toArgs = (value: unknown): string[] => {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).trim().split(/\s+/);
};

const toEnv = (value: unknown): Record<string, string> => {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((item) => {
        const [key, ...rest] = String(item).split('=');
        return [key!, rest.join('=')];
      }),
    );
  }
  const env: Record<string, string> = {};
  for (const [key, v] of Object.entries((value ?? {}) as Raw)) env[key] = v === null ? '' : String(v);
  return env;
};

const toDependsOn = (value: unknown): Record<string, string> => {
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), 'service_started']));
  const deps: Record<string, string> = {};
  for (const [name, spec] of Object.entries((value ?? {}) as Raw)) {
    deps[name] = String((spec as Raw | null)?.condition ?? 'service_started');
  }
  return deps;
};

const toHealthcheck = (value: unknown): string[] | undefined => {
  const check = value as Raw | undefined;
  if (!check || check.disable === true) return undefined;
  const test = check.test;
  if (typeof test === 'string') return ['CMD-SHELL', test];
  const args = toArgs(test);
  return args[0] === 'NONE' ? undefined : args;
};

/** Parses docker-compose.yml text (anchors and `<<` merge keys included) into normalised services. */
export function parseCompose(text: string, env: Record<string, string> = {}): ComposeFile {
  const raw = resolveAll(parse(text, { merge: true }), env) as Raw;
  const services: Record<string, ComposeService> = {};
  for (const [name, value] of Object.entries((raw.services ?? {}) as Raw)) {
    const s = value as Raw;
    const build = s.build as Raw | string | undefined;
    services[name] = {
      name,
      image: s.image as string | undefined,
      build:
        build === undefined
          ? undefined
          : typeof build === 'string'
            ? { context: build, dockerfile: 'Dockerfile' }
            : { context: String(build.context ?? '.'), dockerfile: String(build.dockerfile ?? 'Dockerfile') },
      command: toArgs(s.command),
      entrypoint: toArgs(s.entrypoint),
      environment: toEnv(s.environment),
      healthcheck: toHealthcheck(s.healthcheck),
      dependsOn: toDependsOn(s.depends_on),
      ports: toArgs(s.ports),
      volumes: toArgs(s.volumes),
      restart: s.restart as string | undefined,
      init: s.init as boolean | undefined,
    };
  }
  return { services, volumes: Object.keys((raw.volumes ?? {}) as Raw) };
}
