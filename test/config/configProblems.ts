import { expect } from 'vitest';
import { ConfigError } from '../../src/services/config/ConfigError.js';
import { parseConfig } from '../../src/services/config/loadConfig.js';

export const FILE = 'pgcockpit.yaml';

/** The message lines parseConfig rejects `text` with; fails the test when it accepts it. */
export function problemLines(text: string): string[] {
  try {
    parseConfig(text, FILE, { home: '/home/dba' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message.split('\n')).toHaveLength(configError.problems.length);
    return configError.message.split('\n');
  }
  throw new Error('expected the config to be rejected, but it was accepted');
}

/** The single problem line for `text`, checked to start with `file:line:col: key: `. */
export function onlyProblem(text: string, where: string): string {
  const lines = problemLines(text);
  expect(lines).toHaveLength(1);
  const [line] = lines as [string];
  expect(line.startsWith(`${FILE}:${where}: `), `"${line}" should start with "${FILE}:${where}: "`).toBe(true);
  return line.slice(`${FILE}:${where}: `.length);
}
