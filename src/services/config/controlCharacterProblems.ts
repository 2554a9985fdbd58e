/** C0 controls (tab and newline included), DEL and C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export interface ControlCharacterProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Every string in the raw config data (keys too) that holds a control
 * character. YAML's double-quoted strings turn "\e[2J" into a real escape;
 * a cluster name, host or user with one would reach the terminal as is
 * (clear the screen, restyle it, move the cursor) and every command line
 * and log line that names it. No PostgreSQL name or path needs one.
 */
export function controlCharacterProblems(data: unknown, path: (string | number)[] = []): ControlCharacterProblem[] {
  if (typeof data === 'string') {
    const found = CONTROL.exec(data);
    if (found === null) return [];
    const code = found[0].charCodeAt(0);
    return [{ path, message: `holds a control character (code ${code}${code === 27 ? ', an escape' : ''}), which would reach the terminal as is; remove it` }];
  }
  if (Array.isArray(data)) return data.flatMap((item, index) => controlCharacterProblems(item, [...path, index]));
  if (data !== null && typeof data === 'object') {
    return Object.entries(data as Record<string, unknown>).flatMap(([key, value]) => [
      ...(CONTROL.test(key) ? [{ path: [...path, key], message: 'this key holds a control character; remove it' }] : []),
      ...controlCharacterProblems(value, [...path, key]),
    ]);
  }
  return [];
}
