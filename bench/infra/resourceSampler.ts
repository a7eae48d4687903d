// Samples memory (VmRSS), CPU time (utime + stime) and the time spent waiting for a core (the scheduler's run
// delay) of processes from /proc while a load runs.
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux we run on. */
const ticksPerSecond = 100;

export interface ResourceFigures {
  /** Highest resident set seen while sampling, in MB. */
  peakRssMb: number;
  /** CPU used over the sampled window, in % of one core. */
  cpuPercent: number;
  /** Time its threads were ready to run but waited for a core over the window, in % of one core. */
  waitPercent: number;
}

export interface SampledGroup {
  name: string;
  /** The pids to add up; called at every sample (PostgreSQL starts backends as it goes). */
  pids: () => number[];
}

function readCpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Nanoseconds the process's threads have waited in a run queue (the second field of each thread's schedstat). */
function readRunDelayNs(pid: number): number {
  try {
    let total = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      total += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1] ?? 0);
    }
    return total;
  } catch {
    return 0;
  }
}

function readRssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The postmaster and every process it started (backends, WAL writer, checkpointer...). */
export function postgresPids(dataDir: string): number[] {
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // the process ended between readdir and read
    }
  }
  return pids;
}

/** Starts sampling every `intervalMs`; `stop()` returns the figures of each group. */
export function sampleResources(groups: SampledGroup[], intervalMs = 500): { stop(): Record<string, ResourceFigures> } {
  const startedAt = performance.now();
  const state = groups.map((g) => {
    const pids = g.pids();
    const firstTicks = new Map(pids.map((pid) => [pid, readCpuTicks(pid)]));
    const firstDelay = new Map(pids.map((pid) => [pid, readRunDelayNs(pid)]));
    return {
      group: g,
      firstTicks,
      lastTicks: new Map(firstTicks),
      firstDelay,
      lastDelay: new Map(firstDelay),
      peakRssKb: pids.reduce((sum, pid) => sum + readRssKb(pid), 0),
    };
  });
  const sample = () => {
    for (const s of state) {
      let rss = 0;
      for (const pid of s.group.pids()) {
        rss += readRssKb(pid);
        const ticks = readCpuTicks(pid);
        if (!s.firstTicks.has(pid)) s.firstTicks.set(pid, 0);
        if (ticks > 0) s.lastTicks.set(pid, ticks);
        const delay = readRunDelayNs(pid);
        if (!s.firstDelay.has(pid)) s.firstDelay.set(pid, 0);
        if (delay > 0) s.lastDelay.set(pid, delay);
      }
      s.peakRssKb = Math.max(s.peakRssKb, rss);
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      const seconds = (performance.now() - startedAt) / 1000;
      const figures: Record<string, ResourceFigures> = {};
      for (const s of state) {
        let ticks = 0;
        for (const [pid, last] of s.lastTicks) ticks += last - (s.firstTicks.get(pid) ?? 0);
        let delayNs = 0;
        for (const [pid, last] of s.lastDelay) delayNs += last - (s.firstDelay.get(pid) ?? 0);
        figures[s.group.name] = {
          peakRssMb: Math.round(s.peakRssKb / 102.4) / 10,
          cpuPercent: Math.round((ticks / ticksPerSecond / seconds) * 1000) / 10,
          waitPercent: percentOfCore(delayNs, seconds),
        };
      }
      return figures;
    },
  };
}

const percentOfCore = (ns: number, seconds: number) => Math.round((ns / 1e9 / seconds) * 1000) / 10;

/** This process (the load generator), from Node's own counters and its threads' run delay. */
export function sampleSelf(): { stop(): ResourceFigures } {
  const start = process.cpuUsage();
  const startDelay = readRunDelayNs(process.pid);
  const startedAt = performance.now();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 500);
  return {
    stop() {
      clearInterval(timer);
      const used = process.cpuUsage(start);
      const seconds = (performance.now() - startedAt) / 1000;
      return {
        peakRssMb: Math.round(Math.max(peak, process.memoryUsage.rss()) / 1024 / 102.4) / 10,
        cpuPercent: Math.round(((used.user + used.system) / 1e6 / seconds) * 1000) / 10,
        waitPercent: percentOfCore(readRunDelayNs(process.pid) - startDelay, seconds),
      };
    },
  };
}

/** Jiffies of all CPUs together (the first line of /proc/stat): busy (not idle, iowait or steal), steal, total. */
function readMachineTicks(): { busy: number; steal: number; total: number } {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = (
    fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  )
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

export interface MachineCpu {
  /** What this machine's processes and kernel ran, in % of one core. */
  busyPercent: number;
  /** Time the hypervisor gave this machine's cores to others (steal), in % of one core. */
  stealPercent: number;
}

/**
 * The whole machine's CPU over a window, so that what other processes and other guests of the host took (the
 * machine is shared) can be told apart from what the measured processes used.
 */
export function sampleMachineCpu(cores: number): { stop(): MachineCpu } {
  const first = readMachineTicks();
  return {
    stop() {
      const last = readMachineTicks();
      const total = Math.max(1, last.total - first.total);
      const percent = (ticks: number) => Math.round((ticks / total) * cores * 1000) / 10;
      return { busyPercent: percent(last.busy - first.busy), stealPercent: percent(last.steal - first.steal) };
    },
  };
}
