/**
 * The physical slot a standby uses, from the configured pattern ({node} is the
 * standby's name). Slot names allow only lower-case letters, digits and "_".
 */
export function slotNameFor(pattern: string, node: string): string {
  return pattern.replaceAll('{node}', node.toLowerCase().replace(/[^a-z0-9_]/g, '_'));
}
