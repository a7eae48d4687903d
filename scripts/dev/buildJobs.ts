// Bundles what the image runs besides the services: the one-shot migrate and seed jobs and the gRPC health probe,
// scripts/<name>.ts → build/jobs/<name>.js, so the runtime image needs neither tsx nor any dev dependency. Like the
// services, packages from node_modules stay plain requires (production dependencies, see the deployments tests).
import path from 'node:path';
import * as esbuild from 'esbuild';
import { nodeModulesStayExternal, replaceFile } from './buildServices';
import { pinnedNodeMajor } from './pinnedNode';

export const jobNames = ['migrate', 'seed-stock', 'grpc-health'] as const;
export type JobName = (typeof jobNames)[number];

export const jobBundle = (root: string, name: JobName): string => path.join(root, 'build', 'jobs', `${name}.js`);

// repoRoot() looks for the Makefile and proto/, which the image does not have: in a job bundle the repository
// (or the image's /app) is the folder two above the bundle, build/jobs/.
const rootAboveBundle: esbuild.Plugin = {
  name: 'root-above-bundle',
  setup(build) {
    build.onResolve({ filter: /\/repoRoot$/ }, (args) => ({ path: args.path, namespace: 'root-above-bundle' }));
    build.onLoad({ filter: /.*/, namespace: 'root-above-bundle' }, () => ({
      // An ES module, so that `export *` of @shop/devstack stays static and the bundle keeps only what the job uses.
      contents: "import path from 'node:path';\nexport const repoRoot = () => path.resolve(__dirname, '..', '..');\n",
      loader: 'js',
    }));
  },
};

export async function buildJobs(root: string): Promise<void> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: jobNames.map((name) => ({ in: `scripts/${name}.ts`, out: name })),
    outdir: path.join(root, 'build', 'jobs'),
    bundle: true,
    platform: 'node',
    target: `node${pinnedNodeMajor(root)}`,
    format: 'cjs',
    sourcemap: true,
    plugins: [rootAboveBundle, nodeModulesStayExternal],
    logLevel: 'warning',
    write: false,
  });
  for (const file of result.outputFiles) replaceFile(file.path, file.contents);
}
