import type { DOMElement } from 'ink';

/**
 * Where an element's top-left corner is in Ink's output, 0-based: its
 * computed offsets added up to the root (Yoga gives each relative to its
 * parent). Undefined before the first layout.
 */
export function screenPosition(element: DOMElement | null): { row: number; column: number } | undefined {
  if (!element?.yogaNode) return undefined;
  let row = 0;
  let column = 0;
  for (let node: DOMElement | undefined = element; node; node = node.parentNode) {
    if (!node.yogaNode) continue;
    row += node.yogaNode.getComputedTop();
    column += node.yogaNode.getComputedLeft();
  }
  return { row, column };
}
