// The image's jobs as the image runs them: their bundles in a folder laid out as the runtime image's /app (build/jobs,
// migrations, data, node_modules; no Makefile, no source), migrate and seed against real databases, the health probe
// against a real LOMS (which demands a client certificate).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { certsDir } from '@shop/devstack';
import { withDatabase } from '@shop/testkit';
import { startLomsTestServer, type LomsTestServer } from '../../services/loms/test/integration/lomsTestServer';
import { buildJobs, jobBundle, type JobName } from '../../scripts/dev/buildJobs';
import { root } from './deploymentFiles';

const execFileAsync = promisify(execFile);
const app = fs.mkdtempSync(path.join(os.tmpdir(), 'job-bundles-'));
const services = ['loms', 'checkout', 'notifications'] as const;

/** Runs a job bundle to its end; `env` replaces the environment (PATH kept), as a container's does. */
async function runJob(name: JobName, env: Record<string, string>): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [path.join('build', 'jobs', `${name}.js`)], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const urls = {} as Record<(typeof services)[number], string>;

beforeAll(async () => {
  await buildJobs(root);
  fs.mkdirSync(path.join(app, 'build'));
  fs.cpSync(path.dirname(jobBundle(root, 'migrate')), path.join(app, 'build', 'jobs'), { recursive: true });
  for (const dir of ['migrations', 'data']) fs.cpSync(path.join(root, dir), path.join(app, dir), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'));
  const adminUrl = inject('postgresAdminUrl');
  const suffix = randomBytes(4).toString('hex');
  for (const service of services) {
    const name = `jobs_${service}_${suffix}`;
    await query(withDatabase(adminUrl, 'postgres'), `CREATE DATABASE ${name}`);
    urls[service] = withDatabase(adminUrl, name);
  }
});
afterAll(() => fs.rmSync(app, { recursive: true, force: true }));

describe('the job bundles of the image', () => {
  it('migrate.js applies every migration of each service to the empty database it is given', async () => {
    const run = await runJob('migrate', {
      LOMS_DATABASE_URL: urls.loms,
      CHECKOUT_DATABASE_URL: urls.checkout,
      NOTIFICATIONS_DATABASE_URL: urls.notifications,
    });
    expect(run, run.output).toMatchObject({ code: 0 });
    expect(run.output).toContain('migrated: loms, checkout, notifications');
    for (const service of services) {
      const files = fs.readdirSync(path.join(app, 'migrations', service)).filter((f) => f.endsWith('.sql'));
      const applied = await query<{ name: string }>(urls[service], 'SELECT name FROM pgmigrations ORDER BY run_on, id');
      expect(applied.map((m) => `${m.name}.sql`).sort(), service).toEqual(files.sort());
    }
  });

  it('seed-stock.js loads data/stock.json once, then leaves the stock alone', async () => {
    // As compose gives it: relative to /app.
    const stockFile = 'data/stock.json';
    const fixture = JSON.parse(fs.readFileSync(path.join(app, stockFile), 'utf8')) as { stocks: unknown[] };
    const first = await runJob('seed-stock', { LOMS_DATABASE_URL: urls.loms, STOCK_FILE: stockFile });
    expect(first, first.output).toMatchObject({ code: 0 });
    expect(first.output).toContain(`seeded ${fixture.stocks.length} stock rows`);
    const again = await runJob('seed-stock', { LOMS_DATABASE_URL: urls.loms, STOCK_FILE: stockFile });
    expect(again, again.output).toMatchObject({ code: 0 });
    expect(again.output).toContain('stock already present; left alone');
  });

  describe('grpc-health.js against LOMS', () => {
    let loms: LomsTestServer;
    beforeAll(async () => {
      loms = await startLomsTestServer();
    });
    afterAll(() => loms?.stop());

    const probeEnv = (identity: string): Record<string, string> => ({
      GRPC_PORT: String(loms.handle.grpcPort),
      HEALTH_CA_FILE: path.join(certsDir(), 'ca.crt'),
      HEALTH_CLIENT_CERT_FILE: path.join(certsDir(), identity),
      HEALTH_CLIENT_KEY_FILE: path.join(certsDir(), identity.replace(/\.crt$/, '.key')),
    });

    it('exits 0 on SERVING, presenting the client certificate', async () => {
      const run = await runJob('grpc-health', probeEnv('clients/admin.crt'));
      expect(run).toEqual({ code: 0, output: 'SERVING\n' });
    });

    it('exits 1 when LOMS refuses the certificate it presents (a server certificate, not a client one)', async () => {
      const run = await runJob('grpc-health', probeEnv('server.crt'));
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(/^error UNAVAILABLE/);
    });
  });
});
