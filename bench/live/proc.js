// CPU and memory of process trees from /proc (Linux): utime+stime from /proc/<pid>/stat, VmRSS from
// /proc/<pid>/status. Each process is put in a group by a caller-given classifier.
import { readdirSync, readFileSync } from 'node:fs';

/** @returns {{pid: number, ppid: number, comm: string, ticks: number, startTicks: number} | null} */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone
  }
  // comm is in parentheses and may hold spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, starttime 22.
  return { pid, ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]), startTicks: Number(f[19]) };
}

export function readRssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Every live process with its parent. */
export function allProcesses() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Descendants of each root (roots included), as pid → root pid. */
export function treeMembers(processes, roots) {
  const children = new Map();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const member = new Map();
  for (const root of roots) {
    const stack = [root];
    while (stack.length) {
      const pid = stack.pop();
      if (member.has(pid)) continue;
      member.set(pid, root);
      stack.push(...(children.get(pid) ?? []));
    }
  }
  return member;
}

/**
 * Samples the trees under `roots` every `everyMs` until stopped.
 * classify(proc, rootPid, cmdline) → group name, or null to leave the process out.
 */
export function startSampler(roots, classify, everyMs = 1000) {
  const samples = [];
  const cmdlines = new Map();
  const sample = () => {
    const processes = allProcesses();
    const member = treeMembers(processes, roots());
    const procs = [];
    for (const p of processes) {
      const root = member.get(p.pid);
      if (root === undefined) continue;
      const k = `${p.pid}:${p.startTicks}`;
      if (!cmdlines.has(k)) cmdlines.set(k, readCmdline(p.pid));
      const group = classify(p, root, cmdlines.get(k));
      if (group) procs.push({ pid: p.pid, group, ticks: p.ticks, startTicks: p.startTicks, rssKb: readRssKb(p.pid) });
    }
    samples.push({ atMs: Date.now(), procs });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}

/** Whole-machine CPU counters (/proc/stat): busy and total jiffies over all cores. */
export function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
