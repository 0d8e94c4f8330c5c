/** Linux process tree from /proc, for tests that check what a process leaves behind. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  /** Start time in clock ticks since boot: tells a reused pid from the original process. */
  start: string;
}

export function readStat(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0]!, ppid: Number(rest[1]), start: rest[19]! };
  } catch {
    return null;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
  } catch {
    return '?';
  }
}

/** Every process below `root`, from the parent links in /proc/<pid>/stat. */
export function descendants(root: number): ProcInfo[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((p): p is ProcInfo => p !== null);
  const found: ProcInfo[] = [];
  const parents = [root];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p);
        parents.push(p.pid);
      }
    }
  }
  return found;
}

/** Alive = the same process (same start time) still exists and is not a zombie. */
export function alive(p: ProcInfo): boolean {
  const now = readStat(p.pid);
  return now !== null && now.start === p.start && now.state !== 'Z';
}
