import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshRunner } from '../../src/services/runner/sshRunner.js';
import { createSshRunner } from '../../src/services/runner/sshRunner.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from './sshTestEnv.js';

/**
 * Property: whatever an argument holds, it reaches the remote program as
 * exactly the same bytes. Arguments travel through the login shell's parsing
 * of one command line (and through sudo), so every shell metacharacter matters.
 */

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Everything a shell treats specially, plus text no shell should touch. No NUL: it cannot be in an argv string.
const PIECES = [
  ' ', '  ', '\t', '\n', '\r', "'", '"', '\\', '`', '$', '$HOME', '${PATH}', '$(id)', '$((1+1))', ';', '|', '||', '&', '&&',
  '>', '<', '>>', '2>&1', '(', ')', '{', '}', '[', ']', '*', '?', '~', '~root', '#', '!', '%', '=', 'A=b', '-', '--', '-n', '-e',
  ',', '.', '/', ':', '^', 'é', 'ß', '日本語', '🙂', '\u00a0', '\u200b', 'x', 'abc', 'DROP TABLE', "'\\''", '"$@"', '\\n', '%s',
];

function generateArgument(random: () => number): string {
  const roll = random();
  if (roll < 0.05) return '';
  const count = Math.floor(random() * 8) + 1;
  let text = '';
  for (let i = 0; i < count; i += 1) {
    if (random() < 0.15) {
      // Any BMP character outside the surrogate range, or an astral one: valid UTF-8 either way.
      const code = random() < 0.8 ? 0x20 + Math.floor(random() * (0xd7ff - 0x20)) : 0x10000 + Math.floor(random() * 0xffff);
      text += String.fromCodePoint(code);
    } else {
      text += PIECES[Math.floor(random() * PIECES.length)];
    }
  }
  return text;
}

/** The remote side prints each argument NUL-terminated, as hex, so the bytes come back untouched by line splitting. */
const ECHO_BYTES = 'printf "%s\\0" "$@" | od -An -v -tx1';

let sshd: TestSshd;
let home: string;
let direct: SshRunner;
let throughSudo: SshRunner;

beforeAll(async () => {
  sshd = await startSshd();
  home = await scratchHome();
  const env = testSshEnvironment(home);
  await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
  const ssh = { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile };
  direct = createSshRunner({ ssh, osUser: 'root', env });
  throughSudo = createSshRunner({ ssh, osUser: 'postgres', env });
});

afterAll(async () => {
  await direct?.close();
  await throughSudo?.close();
  await sshd?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

async function bytesSeenRemotely(runner: SshRunner, args: string[]): Promise<Buffer> {
  const hex: string[] = [];
  const result = await runner.run(
    { program: 'sh', args: ['-c', ECHO_BYTES, 'sh', ...args], mutating: false },
    { onLine: (line) => (line.stream === 'stdout' ? hex.push(line.text) : undefined) },
  );
  expect(result.exitCode).toBe(0);
  return Buffer.from(hex.join(' ').replace(/\s+/g, ''), 'hex');
}

describe('argument quoting over ssh (property)', () => {
  it('1200 generated arguments come back as exactly the same bytes, directly and through sudo', async () => {
    const seed = 20240611;
    const random = prng(seed);
    const args = Array.from({ length: 1200 }, () => generateArgument(random));
    expect(args.filter((arg) => arg === '').length).toBeGreaterThan(10);
    expect(args.some((arg) => arg.includes('\n') && arg.includes("'"))).toBe(true);

    const batchSize = 100;
    const batches: string[][] = [];
    for (let i = 0; i < args.length; i += batchSize) batches.push(args.slice(i, i + batchSize));
    const mismatches: string[] = [];
    await Promise.all(
      batches.map(async (batch, index) => {
        const runner = index % 2 === 0 ? direct : throughSudo;
        const received = await bytesSeenRemotely(runner, batch);
        const expected = Buffer.concat(batch.map((arg) => Buffer.from(`${arg}\0`, 'utf8')));
        if (!received.equals(expected)) {
          const got = received.toString('utf8').split('\0');
          batch.forEach((arg, position) => {
            if (got[position] !== arg) mismatches.push(`seed ${seed}, batch ${index}, arg ${position}: sent ${JSON.stringify(arg)}, got ${JSON.stringify(got[position])}`);
          });
          if (mismatches.length === 0) mismatches.push(`seed ${seed}, batch ${index}: byte streams differ`);
        }
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it('an environment value with every special character but a newline survives too (env travels on stdin, a line each)', async () => {
    const nasty = ` \t'"\\\`$(id);|&<>*?~#!%{}[]é🙂 `;
    const lines: string[] = [];
    const result = await throughSudo.run(
      { program: 'sh', args: ['-c', 'printf "%s" "$NASTY" | od -An -v -tx1', 'sh'], env: { NASTY: nasty }, mutating: false },
      { onLine: (line) => (line.stream === 'stdout' ? lines.push(line.text) : undefined) },
    );
    expect(result.exitCode).toBe(0);
    expect(Buffer.from(lines.join('').replace(/\s+/g, ''), 'hex').toString('utf8')).toBe(nasty);
  });

  it('never puts an environment value on the remote command line (ps shows nothing of it)', async () => {
    const lines: string[] = [];
    const result = await throughSudo.run(
      { program: 'ps', args: ['-eo', 'args'], env: { PGPASSWORD: 'pw-never-in-ps-4711' }, mutating: false },
      { onLine: (line) => lines.push(line.text) },
    );
    expect(result.exitCode).toBe(0);
    expect(lines.some((line) => line.includes('ps -eo args'))).toBe(true);
    expect(lines.join('\n')).not.toContain('pw-never-in-ps-4711');
  });
});
