import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../src/services/os/shellQuote.js';

/** A tiny seeded PRNG (mulberry32), so a failing vector can be reproduced from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Every character a shell treats specially, the "safe" ones, whitespace and multi-byte text.
// No NUL (cannot be in an argv) and no \x01 (the batch separator below).
const SPECIAL = [' ', "'", '"', '$', '`', ';', '|', '&', '*', '?', '\n', '\t', '\r', '\\', '~', '#', '!', '(', ')', '{', '}', '[', ']', '<', '>', '^'];
const SAFE = [...'abcXYZ019_@%+=:,./-'];
const UNICODE = ['é', 'ß', 'Ω', '中文', '🐘', '\u00a0', '\u200b', 'ü'];
const TRICKY_WORDS = ['', "'", "''", "'\\''", '$HOME', '$(id)', '`id`', '-n', '--', '%s', '\\', 'a b', '*', '~', '~root', 'x=y', '#'];

function randomArg(random: () => number): string {
  const roll = random();
  if (roll < 0.1) return TRICKY_WORDS[Math.floor(random() * TRICKY_WORDS.length)] ?? '';
  if (roll < 0.15) return '';
  const length = Math.floor(random() * 12);
  let arg = '';
  for (let i = 0; i < length; i++) {
    const pool = random() < 0.45 ? SPECIAL : random() < 0.8 ? SAFE : UNICODE;
    arg += pool[Math.floor(random() * pool.length)] ?? '';
  }
  return arg;
}

function randomArgv(random: () => number): string[] {
  // At least one argument: with none, printf would still print its format once.
  const count = 1 + Math.floor(random() * 8);
  return Array.from({ length: count }, () => randomArg(random));
}

/** What `printf "%s\0" <joined argv>` prints for each vector, via one /bin/sh per batch. */
function shellSplits(vectors: readonly string[][]): string[] {
  const script = vectors.map((argv) => `printf '%s\\0' ${shellJoin(argv)}\nprintf '\\001'`).join('\n');
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const parts = out.split('\u0001');
  expect(parts.pop()).toBe('');
  return parts;
}

function expectedSplit(argv: readonly string[]): string {
  return argv.map((arg) => `${arg}\0`).join('');
}

describe('shellQuote', () => {
  it.each([
    ['pg_ctl', 'pg_ctl'],
    ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/15/bin'],
    ['--pgdata=/var/lib/pg', '--pgdata=/var/lib/pg'],
    ['user@host:5432,x+y%z', 'user@host:5432,x+y%z'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ["'", "''\\'''"],
    ['$HOME', "'$HOME'"],
    ['~', "'~'"],
    ['*.conf', "'*.conf'"],
    ['a\nb', "'a\nb'"],
    ['é', "'é'"],
  ])('%j → %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });

  it('shellJoin quotes each argument and separates them by one space', () => {
    expect(shellJoin(['cp', 'a b', '', "it's", '/tmp/x'])).toBe("cp 'a b' '' 'it'\\''s' /tmp/x");
    expect(shellJoin([])).toBe('');
  });

  it('/bin/sh splits shellJoin(argv) back into exactly argv, for 2000 random vectors', () => {
    const seed = 0x5eed_c0c4;
    const random = mulberry32(seed);
    const batches = 40;
    const perBatch = 50;
    for (let batch = 0; batch < batches; batch++) {
      const vectors = Array.from({ length: perBatch }, () => randomArgv(random));
      const outputs = shellSplits(vectors);
      expect(outputs).toHaveLength(perBatch);
      vectors.forEach((argv, index) => {
        expect(outputs[index], `seed ${seed}, batch ${batch}, vector ${index}: ${JSON.stringify(argv)}`).toBe(expectedSplit(argv));
      });
    }
  });

  it('the shell runs a joined command line as the argv it came from (no injection through any argument)', () => {
    const argv = ['printf', '%s|', '$(echo pwned)', '`echo pwned`', '; echo pwned', "' ; echo pwned ; '", '&& echo pwned'];
    const out = execFileSync('/bin/sh', ['-c', shellJoin(argv)], { encoding: 'utf8' });
    expect(out).toBe(argv.slice(2).map((arg) => `${arg}|`).join(''));
  });
});
