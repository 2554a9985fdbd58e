/**
 * A path into the config as a DBA would write it when talking about the file:
 * `nodes[0].ssh.port`. The root has no name of its own, so it is `(top)`.
 */
export function configKeyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    // A key with spaces or dots (most likely a typo) stays readable and unambiguous.
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
