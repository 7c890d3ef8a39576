import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gatewayVars, loadConfig } from '@vigil/core/config';
import { describe, expect, it } from 'vitest';
import { byProgram, probeTarget, vigilServices } from './deploy-fixture.ts';
import { copyParts, type DockerStage, nodeMajor, parseDockerfile } from './dockerfile-model.ts';
import { dockerignoreMatcher } from './dockerignore.ts';
import { dependencyClosure, lockPackages, topFolder } from './lockfile.ts';
import { listFiles, REPO_ROOT, readRepoFile, rootPackage } from './repo.ts';
import { workspacesNeededBy } from './workspace-graph.ts';

const stages = parseDockerfile(readRepoFile('deploy/Dockerfile'));
const runtime = stages.at(-1)!;
const stage = (name: string) => stages.find((s) => s.name === name);
const all = (s: DockerStage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);
const copies = (s: DockerStage) => all(s, 'COPY').map((i) => copyParts(i.args));
/** A stage's working directory, inherited from the stage it is built on. */
const workdir = (s: DockerStage): string => {
  const own = all(s, 'WORKDIR').at(-1)?.args;
  const parent = stage(s.from);
  return own ?? (parent ? workdir(parent) : '/');
};
const inImage = (s: DockerStage, path: string) => posix.resolve(workdir(s), path);

/** Whether a stage copies `path` from the build context (a file, or a folder that contains it). */
const copiesFromContext = (s: DockerStage, path: string) =>
  copies(s).some(
    (c) => c.from === undefined && c.sources.some((src) => path === src || path.startsWith(`${src}/`)),
  );

describe('deploy/Dockerfile', () => {
  it('uses a Node major that uWebSockets.js ships binaries for (18–22) and the root engines accept', () => {
    const engines = rootPackage().engines?.node ?? '';
    const min = Number(/>=\s*(\d+)/.exec(engines)?.[1] ?? 0);
    const below = Number(/<\s*(\d+)/.exec(engines)?.[1] ?? Number.POSITIVE_INFINITY);
    for (const { name, from } of stages.filter((s) => !stage(s.from))) {
      const major = nodeMajor(from);
      expect(major, `stage ${name} (${from})`).toBeDefined();
      expect(major! >= 18 && major! <= 22, `stage ${name}: Node ${major}`).toBe(true);
      expect(major! >= min && major! < below, `stage ${name}: Node ${major} vs engines "${engines}"`).toBe(
        true,
      );
    }
  });

  it('runs on a slim glibc image (the uWS binaries do not load on musl/alpine)', () => {
    expect(runtime.from).toMatch(/^node:\d+-(bookworm|trixie)-slim$/);
  });

  it('installs from the lockfile with only the manifests copied, so the layer survives source edits', () => {
    const manifests = [
      'package.json',
      'package-lock.json',
      ...(rootPackage().workspaces ?? []).map((w) => `${w}/package.json`),
    ];
    /** The context files behind a stage's COPYs up to `end`, following `--from=<stage>` into that stage. */
    const contextCopies = (s: DockerStage, end = s.instructions.length): ReturnType<typeof copyParts>[] =>
      s.instructions
        .slice(0, end)
        .filter((i) => i.keyword === 'COPY')
        .map((i) => copyParts(i.args))
        .flatMap((c) => {
          const source = c.from === undefined ? undefined : stage(c.from);
          if (c.from === undefined) return [c];
          // A whole earlier stage's working directory, copied to this one's: its copies count as ours.
          expect(source, `COPY --from=${c.from}`).toBeDefined();
          expect(c.sources, `COPY --from=${c.from}`).toEqual([workdir(source!)]);
          expect(inImage(s, c.dest), `COPY --from=${c.from}`).toBe(workdir(s));
          return contextCopies(source!);
        });
    let installs = 0;
    for (const s of stages) {
      const ci = s.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
      if (ci < 0) continue;
      installs += 1;
      const before = contextCopies(s, ci);
      for (const c of before) {
        for (const src of c.sources)
          expect(c.dest, `COPY ${src}`).toBe(src.includes('/') ? `${posix.dirname(src)}/` : './');
      }
      expect(before.flatMap((c) => c.sources).sort(), `stage ${s.name}`).toEqual([...manifests].sort());
    }
    expect(installs).toBe(2);
  });

  it('builds the dashboard in its own stage and ships only the build', () => {
    const build = stage('build')!;
    expect(all(build, 'RUN').some((r) => /npm run build (-w|--workspace) @vigil\/ui\b/.test(r.args))).toBe(
      true,
    );
    const shipped = copies(runtime).find((c) => c.from === 'build');
    expect(shipped?.sources).toEqual([inImage(build, 'ui/build')]);
  });

  it("puts the dashboard where the gateways' STATIC_DIR points", () => {
    const dest = copies(runtime).find((c) => c.from === 'build')!.dest;
    for (const { service } of byProgram('gateway')) {
      expect(service.environment.STATIC_DIR, service.name).toBe(inImage(runtime, dest));
    }
  });

  it('copies the source of every workspace the three programs import', () => {
    const needed = new Set(vigilServices.flatMap((v) => workspacesNeededBy(v.entry)));
    for (const folder of needed) expect(copiesFromContext(runtime, folder), folder).toBe(true);
  });

  describe('runtime dependencies', () => {
    const ci = all(runtime, 'RUN').find((r) => /\bnpm ci\b/.test(r.args))!;

    it('omits dev dependencies', () => {
      expect(ci.args).toMatch(/--omit=dev/);
    });

    it('can skip install scripts because no production dependency has one', () => {
      if (!/--ignore-scripts/.test(ci.args)) return;
      const withScripts = Object.entries(lockPackages())
        .filter(([, entry]) => entry.hasInstallScript && !entry.dev)
        .map(([key]) => key);
      expect(withScripts).toEqual([]);
    });

    it('adds tsx (a devDependency) with its whole dependency closure, and links its bin', () => {
      const fromDeps = copies(runtime)
        .filter((c) => c.from === 'deps')
        .flatMap((c) => c.sources.map((src) => src.split('/node_modules/')[1]));
      for (const key of dependencyClosure('tsx')) {
        const folder = topFolder(key);
        const scope = folder.split('/')[0]!;
        expect(
          fromDeps.includes(folder) || fromDeps.includes(scope),
          `COPY --from=deps …/node_modules/${folder}`,
        ).toBe(true);
      }
      const bin = lockPackages()['node_modules/tsx']!.bin!.tsx!.replace(/^\.\//, '');
      expect(
        all(runtime, 'RUN').some((r) => r.args.includes(`ln -s ../tsx/${bin} node_modules/.bin/tsx`)),
      ).toBe(true);
    });
  });

  describe('runtime stage', () => {
    it('runs as the unprivileged node user, in production mode', () => {
      const userAt = runtime.instructions.findLastIndex((i) => i.keyword === 'USER');
      expect(runtime.instructions[userAt]?.args).toBe('node');
      expect(runtime.instructions.slice(userAt).some((i) => i.keyword === 'RUN')).toBe(false);
      expect(
        all(runtime, 'ENV')
          .map((e) => e.args)
          .join(' '),
      ).toMatch(/\bNODE_ENV=production\b/);
    });

    it('defaults to the gateway, with a health check on its default port and health route', () => {
      const cmd = JSON.parse(all(runtime, 'CMD').at(-1)!.args) as string[];
      expect(cmd).toEqual(['npm', 'run', 'gateway']);
      const check = all(runtime, 'HEALTHCHECK').at(-1)!.args;
      const url = new URL(/http:\/\/[^"\s]+/.exec(check)![0]);
      expect(Number(url.port)).toBe(loadConfig(gatewayVars, {}).PORT);
      expect(url.pathname).toBe(probeTarget(byProgram('gateway')[0]!.service)!.pathname);
    });

    it('contains the health check script that the compose health checks run', () => {
      const scripts = new Set(
        vigilServices.map((v) => v.service.healthcheck?.find((a) => a.endsWith('.mjs'))),
      );
      for (const script of scripts) {
        expect(script).toBeDefined();
        expect(existsSync(join(REPO_ROOT, script!)), script).toBe(true);
        expect(
          copiesFromContext(runtime, script!) || copies(runtime).some((c) => c.sources.includes(script!)),
        ).toBe(true);
      }
    });
  });
});

/** Folders the programs read at run time besides their sources (db/src/migrations-folder.ts → db/drizzle). */
const RUNTIME_DATA = ['db/drizzle'];

const filesUnder = (path: string): string[] => {
  const abs = join(REPO_ROOT, path);
  if (!existsSync(abs)) return [];
  return statSync(abs).isDirectory() ? listFiles(path) : [path];
};

/** What the runtime stage must take from the context: the needed workspaces' manifests, sources and data. */
const runtimeInputs = (): string[] => {
  const folders = new Set(vigilServices.flatMap((v) => workspacesNeededBy(v.entry)));
  return [
    ...[...folders].flatMap((f) => [`${f}/package.json`, ...filesUnder(`${f}/src`)]),
    ...RUNTIME_DATA.flatMap(filesUnder),
  ];
};

/** What `COPY . .` must bring for the dashboard build: every workspace's manifest and sources, ui's config. */
const buildInputs = (): string[] => [
  'tsconfig.base.json',
  ...(rootPackage().workspaces ?? []).flatMap((w) => [`${w}/package.json`, ...filesUnder(`${w}/src`)]),
  ...['ui/static', 'ui/svelte.config.js', 'ui/vite.config.ts', 'ui/tsconfig.json'].flatMap(filesUnder),
];

describe('.dockerignore', () => {
  const ignored = dockerignoreMatcher(readRepoFile('.dockerignore'));

  it('keeps host artefacts out of the build context', () => {
    for (const path of [
      'node_modules/x/index.js',
      'gateway/node_modules/x/index.js',
      'data/pg/PG_VERSION',
      'ui/build/index.html',
      'ui/.svelte-kit/tsconfig.json',
      '.git/HEAD',
      'test-results/vitest.json',
    ]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it('lets through every source, manifest and migration that the image copies', () => {
    const runtimeFiles = runtimeInputs();
    expect(runtimeFiles.filter((file) => !copiesFromContext(runtime, file))).toEqual([]);
    expect(runtimeFiles.filter((file) => ignored(file))).toEqual([]);
    expect(buildInputs().filter((file) => ignored(file))).toEqual([]);
  });
});
