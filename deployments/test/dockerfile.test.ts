// The Dockerfile, checked without Docker: its stages, what the runtime image holds and who may write it, that every
// package its bundles require is installed there, and its health probe.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJobs, jobBundle, jobNames } from '../../scripts/dev/buildJobs';
import { pinnedNodeMajor } from '../../scripts/dev/pinnedNode';
import { serviceBundleDir, serviceNames, serviceNodeFlags } from '@shop/devstack';
import { root } from './deploymentFiles';

const instructions = fs
  .readFileSync(path.join(root, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim().replace(/\s+/g, ' '))
  .filter((l) => l !== '' && !l.startsWith('#'));

/** The instructions of each stage, by its name (`FROM … AS name`). */
const stages = new Map<string, string[]>();
for (const line of instructions) {
  const from = /^FROM \S+ AS (\S+)$/.exec(line);
  if (from?.[1]) stages.set(from[1], [line]);
  else [...stages.values()].at(-1)?.push(line);
}
const stage = (name: string): string[] => stages.get(name) ?? [];
const runtime = stage('runtime');

const workspaces = ['packages', 'services'].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((d) => fs.existsSync(path.join(root, dir, d, 'package.json')))
    .map((d) => `${dir}/${d}`),
);
const packageJson = (dir: string): { dependencies?: Record<string, string> } =>
  JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };

const productionInstall = stage('production-deps').find((l) => l.startsWith('RUN npm ci ')) ?? '';
/** The workspaces whose dependencies the runtime image installs (`--workspace=…` of its npm ci). */
const productionWorkspaces = [...productionInstall.matchAll(/--workspace=(\S+)/g)].map((m) => m[1] ?? '');

/** The packages a bundle loads from node_modules (esbuild leaves them as plain requires). */
function packagesRequiredBy(file: string): string[] {
  const specifiers = [...fs.readFileSync(file, 'utf8').matchAll(/\brequire\("([^".][^"]*)"\)/g)].map((m) => m[1] ?? '');
  return specifiers
    .filter((s) => !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : (s.split('/')[0] ?? s)));
}

beforeAll(async () => {
  // The services' bundles come from the global setup; the jobs' are built here.
  await buildJobs(root);
});

describe('Dockerfile', () => {
  it("builds in three stages on the pinned Node's major (.node-version): build, production dependencies, runtime", () => {
    const base = `node:${pinnedNodeMajor(root)}-bookworm-slim`;
    expect(instructions.filter((l) => l.startsWith('FROM '))).toEqual([
      `FROM ${base} AS build`,
      `FROM ${base} AS production-deps`,
      `FROM ${base} AS runtime`,
    ]);
  });

  it("installs with npm ci from the lockfile, each time after every workspace's package.json", () => {
    expect(instructions.some((l) => /\bnpm install\b/.test(l))).toBe(false);
    for (const name of ['build', 'production-deps']) {
      const lines = stage(name);
      const install = lines.findIndex((l) => l.startsWith('RUN npm ci'));
      expect(install, name).toBeGreaterThan(0);
      const copied = lines
        .slice(0, install)
        .filter((l) => l.startsWith('COPY '))
        .flatMap((l) => l.split(' ').slice(1, -1));
      expect(copied, name).toEqual(
        expect.arrayContaining(['package.json', 'package-lock.json', ...workspaces.map((w) => `${w}/package.json`)]),
      );
    }
    expect(stage('build')).toContain('RUN npm ci --no-audit --no-fund');
  });

  it('bundles in the build stage; the runtime holds each bundle, data/ and migrations/, and no source', () => {
    expect(stage('build')).toContain('RUN node --import tsx scripts/build-services.ts');
    const copies = runtime.filter((l) => l.startsWith('COPY '));
    for (const name of serviceNames) expect(copies).toContain(`COPY --from=build /app/services/${name}/dist services/${name}/dist`);
    expect(copies).toContain('COPY --from=build /app/build/jobs build/jobs');
    expect(copies).toEqual(expect.arrayContaining(['COPY data data', 'COPY migrations migrations']));
    expect(copies.some((l) => / \. /.test(l) || l.includes(' . '))).toBe(false);
    expect(instructions.at(-1)).toMatch(
      new RegExp(`^CMD \\["node", ${serviceNodeFlags.map((f) => `"${f}", `).join('')}"services/\\w+/dist/main\\.js"\\]$`),
    );
  });

  it('gives the runtime production dependencies only, and files the node user cannot write', () => {
    expect(productionInstall).toMatch(/ --omit=dev /);
    expect(productionInstall).toMatch(/ --include-workspace-root /);
    expect(runtime).toContain('COPY --from=production-deps /app/node_modules node_modules');
    expect(runtime.filter((l) => l.includes('node_modules'))).toEqual(['COPY --from=production-deps /app/node_modules node_modules']);
    // COPY without --chown leaves files root's; no RUN in the runtime stage changes that.
    expect(runtime.filter((l) => l.includes('--chown') || l.startsWith('RUN '))).toEqual([]);
    const user = runtime.indexOf('USER node');
    expect(user).toBeGreaterThan(0);
    expect(runtime.slice(user).filter((l) => l.startsWith('COPY ') || l.startsWith('ADD '))).toEqual([]);
  });

  it('installs every package the bundles require: a dependency of the root or of a workspace the image installs', () => {
    expect([...productionWorkspaces].sort()).toEqual(
      workspaces.filter((w) => w !== 'packages/testkit' && w !== 'packages/devstack').sort(),
    );
    const installed = new Set(['.', ...productionWorkspaces].flatMap((dir) => Object.keys(packageJson(dir).dependencies ?? {})));
    const bundles = [
      ...serviceNames.map((name) => path.join(serviceBundleDir(root, name), 'main.js')),
      ...jobNames.map((name) => jobBundle(root, name)),
    ];
    const missing = bundles.flatMap((file) =>
      packagesRequiredBy(file)
        .filter((p) => !installed.has(p))
        .map((p) => `${path.relative(root, file)}: ${p}`),
    );
    expect(missing).toEqual([]);
    expect(packagesRequiredBy(jobBundle(root, 'migrate'))).toContain('node-pg-migrate');
  });

  it('has the lockfile hoist every package to the root node_modules, the only one the runtime image has', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const nested = Object.keys(lock.packages).filter((p) => /^(packages|services)\/[^/]+\/node_modules\//.test(p));
    expect(nested).toEqual([]);
  });

  it('checks health over gRPC with the client certificate and CA of the certs/ compose mounts at /certs', () => {
    expect(runtime).toContain(
      'HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "build/jobs/grpc-health.js"]',
    );
    expect(jobNames).toContain('grpc-health');
    const env = runtime.find((l) => l.startsWith('ENV ')) ?? '';
    const files: Record<string, string> = Object.fromEntries([...env.matchAll(/(HEALTH_\w+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    expect(Object.keys(files).sort()).toEqual(['HEALTH_CA_FILE', 'HEALTH_CLIENT_CERT_FILE', 'HEALTH_CLIENT_KEY_FILE']);
    for (const [variable, file] of Object.entries(files)) {
      expect(file, variable).toMatch(/^\/certs\//);
      expect(fs.existsSync(path.join(root, 'certs', file.slice('/certs/'.length))), `${variable}: ${file} (make certs)`).toBe(true);
    }
  });

  it('keeps dependencies, the pinned Node, local data and keys out of the build context', () => {
    const ignored = fs
      .readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.tools', '.data', 'certs', '.git']));
  });
});
