import type { z } from 'zod';
import { describeYamlValue } from './describeYamlValue.js';

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/**
 * Zod's default wording ("Invalid input: expected number, received string")
 * speaks TypeScript; this speaks YAML. Used as the per-parse error map, so the
 * messages written into schema.ts still win over these.
 */
export const friendlyIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return `expected ${expected}, got ${describeYamlValue(issue.input)}${typeHint(issue.expected, issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must list at least ${issue.minimum} items`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must list at most ${issue.maximum} items`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'regex' && typeof issue['pattern'] === 'string' ? `must match ${issue['pattern']}` : `is not a valid ${issue.format}`;
    default:
      return undefined;
  }
};

/** The usual YAML surprises behind a type mismatch, and their one-keystroke fixes. */
function typeHint(expected: string, input: unknown): string {
  if ((expected === 'number' || expected === 'int') && typeof input === 'string' && /^\s*\d+\s*$/.test(input)) {
    return ' (remove the quotes)';
  }
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return ` (quote it: "${String(input)}")`;
  }
  return '';
}
