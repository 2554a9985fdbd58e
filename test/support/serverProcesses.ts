import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Pids of every PostgreSQL process (postmaster, backends, walreceivers, archiver, ...) whose data directory lies under `root`. */
export async function serverPidsUnder(root: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A child process shows its postmaster's command line only through its parent; the postmaster's cwd is its data directory.
      const cwd = await readlink(`/proc/${entry}/cwd`);
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (cwd.startsWith(root + path.sep) || cmdline.includes(root + path.sep)) {
        if (/postgres/.test(cmdline)) pids.push(Number(entry));
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** The environment a process was started with, as one string (NUL-separated entries joined by newlines). */
export async function environText(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/environ`, 'utf8')).replaceAll('\0', '\n');
  } catch {
    return '';
  }
}

/** Every server process under `root` whose environment holds one of `secrets`, with the variable's name. */
export async function secretsInServerEnvironments(root: string, secrets: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const pids = await serverPidsUnder(root);
  // Finding no server at all would make "no secret found" mean nothing.
  if (pids.length === 0) throw new Error(`no PostgreSQL process found under ${root}`);
  for (const pid of pids) {
    const text = await environText(pid);
    for (const line of text.split('\n')) {
      if (secrets.some((secret) => secret !== '' && line.includes(secret))) found.push(`pid ${pid}: ${line.split('=')[0]}`);
    }
  }
  return found;
}
