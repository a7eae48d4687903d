// `make bench [SCENARIO=name]`: starts a throwaway PostgreSQL and broker, runs the scenarios against the
// services as child processes, prints a summary, merges the results into bench/results/latest.json and
// writes docs/benchmarks.md from it (full runs; `--render-only` after a run of one scenario).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { repoRoot } from '@shop/devstack';
import { buildServices } from '../scripts/dev/buildServices';
import { startBenchInfrastructure } from './infra/benchInfrastructure';
import { assertPgbench } from './infra/pgbench';
import { describeMachine } from './report/machine';
import { mergeIntoLatest, type BenchRun } from './report/mergeResults';
import { renderBenchmarks, renderSummary } from './report/renderBenchmarks';
import { cancellerScenario } from './scenarios/canceller';
import { ceilingScenario } from './scenarios/ceiling';
import { createOrderScenario } from './scenarios/createOrder';
import { hotSkuScenario } from './scenarios/hotSku';
import { lifecycleScenario } from './scenarios/lifecycle';
import { lomsReplicasScenario } from './scenarios/lomsReplicas';
import { purchaseScenario } from './scenarios/purchase';
import { tokenVerificationScenario } from './scenarios/tokenVerification';
import type { BenchContext, BenchTiming, Scenario, ScenarioResult } from './scenarios/scenarioKit';

const scenarios: Record<string, Scenario> = {
  'create-order': createOrderScenario,
  'hot-sku': hotSkuScenario,
  purchase: purchaseScenario,
  lifecycle: lifecycleScenario,
  canceller: cancellerScenario,
  ceiling: ceilingScenario,
  'token-verification': tokenVerificationScenario,
  'loms-replicas': lomsReplicasScenario,
};
/**
 * In a full run the ceiling is measured inside create-order and hot-sku, beside the service. loms-replicas
 * answers one question (do replicas add throughput on these cores) and takes 1.6 minutes, a quarter more
 * than the full run's 6.
 */
const fullRun = ['create-order', 'hot-sku', 'purchase', 'lifecycle', 'canceller', 'token-verification'];
const commands = { scenarios: Object.keys(scenarios), apart: Object.keys(scenarios).filter((name) => !fullRun.includes(name)) };

function parseArgs(argv: string[]): { only: string | undefined; timing: BenchTiming; renderOnly: boolean } {
  let only: string | undefined;
  let renderOnly = false;
  let seconds = Number(process.env.BENCH_SECONDS ?? 10);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scenario') only = argv[++i];
    else if (argv[i] === '--seconds') seconds = Number(argv[++i]);
    else if (argv[i] === '--render-only') renderOnly = true;
    else
      throw new Error(
        `unknown argument ${argv[i]}; usage: bench/runAll.ts [--scenario ${Object.keys(scenarios).join('|')}] [--seconds N] [--render-only]`,
      );
  }
  if (only !== undefined && !(only in scenarios)) throw new Error(`unknown scenario ${only}; one of ${Object.keys(scenarios).join(', ')}`);
  if (!(seconds >= 1 && seconds <= 60)) throw new Error('--seconds must be between 1 and 60');
  return { only, renderOnly, timing: { warmupMs: Math.min(3_000, seconds * 300), durationMs: seconds * 1000, maxCalls: 200_000 } };
}

function failedScenario(name: string, message: string): ScenarioResult {
  return {
    name,
    title: `${name}: failed`,
    tables: [],
    resources: {},
    verdicts: [{ scenario: name, what: 'scenario ran', measured: 'failed', target: 'ran', met: false }],
    notes: ['The scenario failed:', '```\n' + message.slice(0, 3000) + '\n```'],
    raw: { error: message },
  };
}

/** The JSON as the repository's Prettier settings print it, so that `make lint` stays clean after a run. */
async function formatJson(file: string, value: unknown): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(value), { ...options, parser: 'json' });
}

const analysisFile = path.join(__dirname, 'report', 'analysis.md');
const latestFile = (root: string) => path.join(root, 'bench', 'results', 'latest.json');

function readLatest(root: string): BenchRun | undefined {
  const file = latestFile(root);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRun) : undefined;
}

function writeBenchmarksDoc(root: string, run: BenchRun): string {
  const doc = path.join(root, 'docs', 'benchmarks.md');
  fs.writeFileSync(doc, renderBenchmarks({ ...run, commands, analysis: fs.readFileSync(analysisFile, 'utf8') }));
  return doc;
}

/** Rewrites docs/benchmarks.md from bench/results/latest.json, e.g. after editing bench/report/analysis.md. */
function renderOnly(root: string): void {
  const latest = readLatest(root);
  if (!latest) throw new Error('bench/results/latest.json is missing: run `make bench` first');
  writeBenchmarksDoc(root, latest);
  process.stdout.write(`${renderSummary(latest.results)}\n`);
}

async function main(): Promise<void> {
  const { only, timing, renderOnly: render } = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  if (render) return renderOnly(root);
  const say = (line: string) => process.stdout.write(`bench | ${line}\n`);
  assertPgbench();
  await buildServices(root);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const started = Date.now();
  const infra = await startBenchInfrastructure(root, say);
  const results: ScenarioResult[] = [];
  let machine;
  try {
    machine = await describeMachine(infra, root);
    const ctx: BenchContext = { root, infra, timing, workDir, say };
    for (const name of only ? [only] : fullRun) {
      const scenario = scenarios[name];
      if (!scenario) continue;
      say(`--- scenario ${name}`);
      try {
        results.push(await scenario(ctx));
      } catch (err) {
        // One broken scenario (a service that crashes) must not cost the others' numbers.
        const message = err instanceof Error ? err.message : String(err);
        say(`scenario ${name} failed: ${message}`);
        results.push(failedScenario(name, message));
      }
    }
  } finally {
    await infra.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const minutes = (Date.now() - started) / 60_000;
  process.stdout.write(`\n${renderSummary(results)}\n`);
  const run: BenchRun = { machine, timing, minutes, results };
  fs.mkdirSync(path.dirname(latestFile(root)), { recursive: true });
  if (only) {
    const json = path.join(root, 'bench', 'results', `${only}.json`);
    fs.writeFileSync(json, await formatJson(json, run));
    say(`results: ${path.relative(root, json)}`);
  }
  // A scenario that failed on its own keeps its last good result in latest.json.
  const merged = only ? { ...run, results: results.filter((r) => !('error' in r.raw)) } : run;
  const latest = mergeIntoLatest(readLatest(root), merged, only ? 'single' : 'full');
  if (merged.results.length > 0) {
    fs.writeFileSync(latestFile(root), await formatJson(latestFile(root), latest));
    say(`merged into ${path.relative(root, latestFile(root))}`);
  } else say('the scenario failed: bench/results/latest.json left as it was');
  if (!only) {
    const doc = writeBenchmarksDoc(root, latest);
    say(`wrote ${path.relative(root, doc)} (${minutes.toFixed(1)} min)`);
  } else {
    say(`${minutes.toFixed(1)} min; docs/benchmarks.md: \`node --import tsx bench/runAll.ts --render-only\` rewrites it from latest.json`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
