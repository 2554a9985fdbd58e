const MAX_SHOWN = 40;

/** What a value read from YAML turned out to be, for "expected X, got Y" messages. */
export function describeYamlValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // `port:` with nothing after it reads as null: say what the DBA sees, an empty value.
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the string ${JSON.stringify(shorten(value))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function shorten(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
