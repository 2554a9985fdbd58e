import { z } from 'zod';

/**
 * The keys the schema accepts for the mapping at `path` (array indexes
 * included), for "unknown key ... (allowed: ...)" messages. Read from the
 * schema itself so the list can never drift from what is really accepted.
 */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') current = (current.shape as Record<string, z.ZodType>)[segment];
    else if (current instanceof z.ZodArray && typeof segment === 'number') current = current.element as z.ZodType;
    else return [];
    current = current === undefined ? undefined : unwrap(current);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
