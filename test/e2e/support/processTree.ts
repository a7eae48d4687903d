// The processes below a PID, read from /proc (Linux): to prove that nothing outlives a supervisor.
import fs from 'node:fs';

export interface ProcessId {
  pid: number;
  /** Start time in clock ticks since boot: tells a reused PID from the original process. */
  startTicks: string;
  command: string;
}

interface Stat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  startTicks: string;
  command: string;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: the fields after it start after the last ')'.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      state: fields[0] ?? '?',
      startTicks: fields[19] ?? '',
      command: text.slice(text.indexOf('(') + 1, close),
    };
  } catch {
    return undefined;
  }
}

function allProcesses(): Stat[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is Stat => s !== undefined);
}

/** Live members of a process group. */
export function groupMembers(pgid: number): ProcessId[] {
  return allProcesses()
    .filter((s) => s.pgrp === pgid && s.state !== 'Z' && s.state !== 'X')
    .map((s) => ({ pid: s.pid, startTicks: s.startTicks, command: s.command }));
}

export function descendantsOf(root: number): ProcessId[] {
  const all = allProcesses();
  const children = new Map<number, Stat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const found: ProcessId[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push({
        pid: child.pid,
        startTicks: child.startTicks,
        command: child.command,
      });
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

/** Still running: the same process (not a reused PID) and not a zombie waiting to be reaped. */
export function isAlive(p: ProcessId): boolean {
  const s = readStat(p.pid);
  return s !== undefined && s.startTicks === p.startTicks && s.state !== 'Z' && s.state !== 'X';
}
