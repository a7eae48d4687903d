// Bundles each service: services/<name>/src/main.ts → services/<name>/dist/main.js (+ source map), with the
// proto descriptor set beside it. Workspace packages (@shop/*) go into the bundle; everything from
// node_modules stays a plain require, so OpenTelemetry's require hooks still instrument grpc-js, pg,
// kafkajs and pino.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { pinnedNodeMajor } from './pinnedNode';
import { serviceBundleDir, serviceNames } from '@shop/devstack';

export const nodeModulesStayExternal: esbuild.Plugin = {
  name: 'node-modules-stay-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@shop/') ? undefined : { external: true }));
  },
};

export async function buildServices(root: string): Promise<void> {
  const servicesDir = path.join(root, 'services');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: serviceNames.map((name) => ({ in: `services/${name}/src/main.ts`, out: `${name}/dist/main` })),
    outdir: servicesDir,
    bundle: true,
    platform: 'node',
    target: `node${pinnedNodeMajor(root)}`,
    format: 'cjs',
    sourcemap: true,
    plugins: [nodeModulesStayExternal],
    logLevel: 'warning',
    write: false,
  });
  // @shop/proto finds the descriptor set (served for reflection) at `${__dirname}/gen`, the bundle's folder.
  const descriptorSet = fs.readFileSync(path.join(root, 'packages/proto/src/gen/descriptors.binpb'));
  const outputs = [
    ...result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
    ...serviceNames.map((name) => ({
      path: path.join(serviceBundleDir(root, name), 'gen', 'descriptors.binpb'),
      contents: descriptorSet,
    })),
  ];
  for (const output of outputs) replaceFile(output.path, output.contents);
}

// Write aside, then rename: a process starting a service meanwhile (another test worker, a build
// running at the same time) sees the old file or the new one, never half of one.
export function replaceFile(file: string, contents: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(aside, contents);
  fs.renameSync(aside, file);
}
