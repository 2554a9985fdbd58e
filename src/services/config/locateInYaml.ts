import type { Document, Node } from 'yaml';
import { isMap, isNode, isScalar } from 'yaml';

/**
 * The source offset to show for a path into the document: the value itself;
 * its key when the value is empty (`port:`), since a zero-width spot after the
 * colon is hard to see; and for a key that is not written at all, the mapping
 * that should hold it (the nearest ancestor that exists).
 */
export function locateInYaml(doc: Document, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const at = path.slice(0, depth);
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(at, true);
    if (isNode(node) && node.range && !isEmptyScalar(node)) return node.range[0];
    const key = keyNodeAt(doc, at);
    if (key?.range) return key.range[0];
  }
  return 0;
}

/** The key node written for the last step of `path`, if its parent is a mapping holding it. */
export function keyNodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  if (path.length === 0) return undefined;
  const parentPath = path.slice(0, -1);
  const parent: unknown = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (!isMap(parent)) return undefined;
  const wanted = String(path[path.length - 1]);
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === wanted);
  return isNode(pair?.key) ? pair.key : undefined;
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}
