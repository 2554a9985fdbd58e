/**
 * Lets YAML fixtures sit indented inside the test code: drops the first line
 * break and the indentation common to all non-blank lines. Works as a template
 * tag (dedent`...`) or on a plain string.
 */
export function dedent(strings: TemplateStringsArray | string, ...values: unknown[]): string {
  const text = typeof strings === 'string' ? strings : strings.reduce((all, part, i) => all + String(values[i - 1]) + part);
  const lines = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(common)).join('\n');
}
