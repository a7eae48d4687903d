// One load run against a service started with --cpu-prof: not measured (profiling slows it down), only to
// say where that service's CPU went in the load window. The profile is kept in bench/results/.
import fs from 'node:fs';
import path from 'node:path';
import { summariseCpuProfile, type ProfileSummary } from '../infra/cpuProfile';
import { startService, type RunningService, type ServiceStart } from '../infra/serviceProcess';
import { fmt, type BenchContext, type Table } from './scenarioKit';

export interface ProfiledRun {
  /** The service to profile, as it would be started unprofiled (its --cpu-prof flags are added). */
  service: Omit<ServiceStart, 'nodeFlags' | 'say' | 'root'>;
  /** Kept as bench/results/<keptAs>.cpuprofile. */
  keptAs: string;
  load: (service: RunningService) => Promise<unknown>;
}

export interface KeptProfile {
  summary: ProfileSummary;
  file: string;
}

export async function profiledRun(ctx: BenchContext, run: ProfiledRun): Promise<KeptProfile | undefined> {
  const dir = path.join(ctx.workDir, `profile-${run.keptAs}`);
  fs.mkdirSync(dir, { recursive: true });
  const service = await startService({ ...run.service, root: ctx.root, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`], say: ctx.say });
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  let window;
  try {
    const fromUs = monotonicUs() + ctx.timing.warmupMs * 1000;
    await run.load(service);
    window = { fromUs, toUs: monotonicUs() };
  } finally {
    await service.stop();
  }
  const written = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!written) {
    ctx.say(`no CPU profile of ${run.service.name} was written`);
    return undefined;
  }
  const file = path.join('bench', 'results', `${run.keptAs}.cpuprofile`);
  fs.mkdirSync(path.join(ctx.root, 'bench', 'results'), { recursive: true });
  fs.copyFileSync(path.join(dir, written), path.join(ctx.root, file));
  return { summary: summariseCpuProfile(path.join(ctx.root, file), window), file };
}

/** Where a service's busy CPU went under `load` (e.g. "16 orders in flight"), by area and by function. */
export function profileTables(serviceName: string, load: string, profile: KeptProfile | undefined): Table[] {
  if (!profile) return [{ caption: `No CPU profile of ${serviceName} was written.`, headers: [], rows: [] }];
  const { summary, file } = profile;
  return [
    {
      caption: `Where ${serviceName}'s CPU goes at ${load} (node --cpu-prof, load window only, ${fmt.pct(summary.busyShare)} of samples busy; shares of busy samples; the profile is kept in ${file}).`,
      headers: ['area', 'share of busy CPU'],
      rows: summary.areas.slice(0, 10).map((a) => [a.area, fmt.pct(a.share)]),
    },
    {
      caption: 'Its hottest functions by self time.',
      headers: ['function', 'share of busy CPU'],
      rows: summary.functions.slice(0, 10).map((f) => [`\`${f.name.replace(/`/g, '')}\``, fmt.pct(f.share)]),
    },
  ];
}
