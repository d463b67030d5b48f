// CPU time of processes, read from /proc: what a server spent on a phase, whatever sent the load.

import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ, the unit of the times in /proc/<pid>/stat. */
export const CLOCK_TICKS = 100;

/** utime + stime of one process (every thread, finished ones included) in seconds, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The ids of a process's children (those of every thread). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const listed = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
    if (listed !== '') children.push(...listed.split(' ').map(Number));
  }
  return children;
}

/**
 * CPU seconds (user and system, every thread) a process and all its descendants (a cluster's
 * workers) have used; undefined where /proc cannot tell.
 */
export function treeCpuSeconds(pid: number): number | undefined {
  try {
    let seconds = processCpuSeconds(pid);
    for (const child of childrenOf(pid)) seconds += treeCpuSeconds(child) ?? 0;
    return seconds;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by the PostgreSQL backends connected to `database` (those whose process
 * title, `postgres: <cluster>: <user> <database> <client> <state>`, names it); backends that have
 * already exited are not counted.
 */
export function databaseCpuSeconds(database: string): number {
  let seconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) {
        seconds += processCpuSeconds(Number(entry));
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return seconds;
}
