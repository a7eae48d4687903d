// Reads a V8 .cpuprofile (from `node --cpu-prof`) and says where the samples went: by function and by
// the package or area that owns the code.
import fs from 'node:fs';
import { originalPosition, type CodePosition } from './bundleSourceMap';

interface ProfileNode {
  id: number;
  callFrame: CodePosition & { functionName: string };
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Share of busy (non-idle) samples, by area. */
  areas: { area: string; share: number }[];
  /** Top functions by self time, share of busy samples. */
  functions: { name: string; share: number }[];
  busyShare: number;
}

/** Which part of the stack a frame belongs to; the first matching rule wins. */
const areaRules: [RegExp, string][] = [
  [/node_modules\/pg-protocol|node_modules\/pg\/|node_modules\/pg-pool|node_modules\/pg-types/, 'node-pg (PostgreSQL protocol)'],
  [/node_modules\/@grpc\/grpc-js/, 'grpc-js'],
  [/node_modules\/@bufbuild|node_modules\/protobufjs|packages\/proto\//, 'protobuf encode/decode'],
  [/node_modules\/pino|node_modules\/prom-client|node_modules\/@opentelemetry/, 'logging, metrics, tracing'],
  [/node_modules\/kafkajs/, 'kafkajs'],
  [/node_modules\/zod/, 'zod'],
  [/services\/|packages\/platform/, 'our code'],
  [/^node:(internal\/)?(http2|net|tls|stream|_tls|internal\/stream)|node:internal\/(http2|stream_base|tls|net)/, 'Node http2/TLS/net'],
  [/^node:internal\/(modules|main)|tsx\/dist/, 'module loading (start-up)'],
  [/^node:/, 'Node core (other: events, timers, promises)'],
];

/** Native frames that move bytes through sockets. */
const socketCalls = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'read', 'readStart', 'readStop', 'shutdown']);

function areaOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8/native (program)';
  if (url === '') return socketCalls.has(functionName) ? 'socket system calls (writev, read)' : 'native (other)';
  for (const [rule, area] of areaRules) if (rule.test(url)) return area;
  return 'other JavaScript';
}

/**
 * `window` (monotonic µs, the clock of process.hrtime and of V8's profile timestamps on Linux) keeps only
 * the samples of the load, not those of start-up and shutdown; without samples in it, all count.
 */
export function summariseCpuProfile(file: string, window?: { fromUs: number; toUs: number }, top = 12): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const tally = (inWindow: (t: number) => boolean) => {
    const selfTime = new Map<number, number>();
    let t = profile.startTime;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      t += delta;
      if (inWindow(t)) selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    });
    return selfTime;
  };
  let selfTime = window ? tally((t) => t >= window.fromUs && t <= window.toUs) : tally(() => true);
  if (selfTime.size === 0) selfTime = tally(() => true);
  let total = 0;
  let idle = 0;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const node = byId.get(id);
    if (!node) continue;
    total += time;
    if (node.callFrame.functionName === '(idle)') {
      idle += time;
      continue;
    }
    const { functionName } = node.callFrame;
    const source = originalPosition(node.callFrame);
    const area = areaOf(functionName, source.url);
    areas.set(area, (areas.get(area) ?? 0) + time);
    const where = source.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(services|packages)\//, '$1/');
    const name = `${functionName || '(anonymous)'} ${where ? `(${where}:${source.lineNumber + 1})` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + time);
  }
  const busy = total - idle;
  const ranked = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([name, time]) => ({ name, share: busy > 0 ? time / busy : 0 }));
  return {
    areas: ranked(areas).map(({ name, share }) => ({ area: name, share })),
    functions: ranked(functions).slice(0, top),
    busyShare: total > 0 ? busy / total : 0,
  };
}
