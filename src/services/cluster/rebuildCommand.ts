/** The exact command that rebuilds `node` as a standby of the current primary. */
export function rebuildCommand(node: string): string {
  return `pgcockpit rebuild ${node} --yes`;
}
