import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU time of named processes over a window: unlike opens/s, CPU per open hardly moves when
 * other work shares the machine, so it compares two builds fairly on a busy box.
 */
export class CpuAccount {
  private readonly started = new Map<string, number>();
  private readonly used = new Map<string, number>();

  constructor(private readonly pids: Map<string, number>) {}

  start(): void {
    for (const [name, pid] of this.pids) this.started.set(name, cpuSecondsOf(pid));
  }

  stop(): void {
    for (const [name, pid] of this.pids) this.used.set(name, cpuSecondsOf(pid) - (this.started.get(name) ?? 0));
  }

  /** Milliseconds of CPU per unit of work, per process and in total. */
  perUnit(units: number): { name: string; ms: number }[] {
    const rows = [...this.used].map(([name, seconds]) => ({ name, ms: (seconds * 1000) / units }));
    return [...rows, { name: 'total', ms: rows.reduce((sum, r) => sum + r.ms, 0) }];
  }
}
