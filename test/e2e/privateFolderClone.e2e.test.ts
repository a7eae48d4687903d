// Both README commands from a clone inside a folder only its owner may enter (mode 0700, as most home folders
// are). As root, PostgreSQL runs as the `postgres` user, which cannot enter that folder: the harness must still
// start the embedded cluster (binaries and data moved where that user can reach them) instead of dying with
// `spawn …/initdb EACCES`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@shop/devstack';
import { childEnv, eventually, sleep } from '@shop/testkit';
import { report } from './support/measurements';
import { makePrivateClone, type PrivateClone } from './support/privateClone';

let clone: PrivateClone;
const asRoot = process.getuid?.() === 0;

beforeAll(() => {
  clone = makePrivateClone();
});
afterAll(() => clone?.remove());

describe(`a clone inside a mode-0700 folder, run by ${asRoot ? 'root' : 'its owner'}`, () => {
  it('runs a test file through the real harness: the bundles, the embedded cluster of the global setup, one service', async () => {
    expect(fs.statSync(clone.home).mode & 0o777).toBe(0o700);
    const startedAt = Date.now();
    const run = await runToEnd(
      path.join(clone.root, 'node_modules/.bin/vitest'),
      ['run', '--reporter=default', 'services/loms/test/integration/healthAndReflection.int.test.ts'],
      100_000,
    );
    report('private-folder clone: vitest', { asRoot, exit: run.code, tookMs: Date.now() - startedAt });
    expect(run.output).not.toMatch(/EACCES/);
    expect({ exit: run.code, passed: /Tests\s+2 passed/.test(run.output) }, run.output.slice(-3_000)).toEqual({ exit: 0, passed: true });
  }, 120_000);

  it('make run-services gets the whole stack ready, and on Ctrl-C stops it and exits 0', async () => {
    const env: Record<string, string> = { EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    for (const name of ['checkout', 'loms', 'notifications', 'products']) {
      env[`${name.toUpperCase()}_GRPC_PORT`] = String(await freePort());
      env[`${name.toUpperCase()}_ADMIN_PORT`] = String(await freePort());
    }
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-services.ts'], {
      cwd: clone.root,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr])
      readline.createInterface({ input: stream }).on('line', (l) => lines.push(l.replace(/\x1b\[[0-9;]*m/g, '')));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const dataLink = path.join(clone.root, '.data', 'postgres');
    try {
      await eventually(
        'the "all services ready" line',
        async () => ({ ready: lines.some((l) => l.includes('all services ready')), exited: child.exitCode }),
        (s) => s.ready || s.exited !== null,
        120_000,
        200,
      );
      const readyAfterMs = Date.now() - startedAt;
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exit, sleep(30_000).then(() => 'still running 30 s after SIGINT')]);
      report('private-folder clone: run-services', { asRoot, readyAfterMs, exit: code });
      expect({ code, ready: lines.some((l) => l.includes('all services ready')) }, lines.slice(-40).join('\n')).toEqual({
        code: 0,
        ready: true,
      });
      expect(lines.join('\n')).not.toMatch(/EACCES/);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      // The kept data of this clone's stack; as root it lives outside the clone, where the link leads.
      if (fs.existsSync(dataLink) && fs.lstatSync(dataLink).isSymbolicLink())
        fs.rmSync(path.dirname(fs.realpathSync(dataLink)), { recursive: true, force: true });
    }
  }, 180_000);
});

/** Runs a command in the clone to its end (killed after `timeoutMs`), with its output, colours removed. */
function runToEnd(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd: clone.root, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') })));
}
