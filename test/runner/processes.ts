import { execa } from 'execa';

/** Live processes (zombies left out: a container's init may never reap them) whose command line is exactly `args`. */
export async function liveProcesses(args: string): Promise<{ pid: number; stat: string }[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,stat=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && match[3] === args && !match[2]!.startsWith('Z'))
    .map((match) => ({ pid: Number(match[1]), stat: match[2]! }));
}
