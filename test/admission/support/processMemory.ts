// Resident memory of a process, from /proc (Linux): now (VmRSS) and its peak so far (VmHWM), in MB; NaN once
// the process is gone.
import fs from 'node:fs';

export function residentMb(pid: number): { nowMb: number; peakMb: number } {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { nowMb: Number.NaN, peakMb: Number.NaN };
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { nowMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
