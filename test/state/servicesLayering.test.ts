import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const services = join(root, 'src/services');
const state = join(root, 'src/state');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative module a file imports or re-exports (static or dynamic, types included). */
function importedPaths(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

describe('layering', () => {
  // The store is the views' business: services report through callbacks and their own types (LogLine, JobRecord).
  it('no service imports from src/state', () => {
    const offenders = sourceFiles(services).flatMap((file) =>
      importedPaths(file)
        .filter((path) => path === state || path.startsWith(`${state}/`))
        .map((path) => `${relative(root, file)} -> ${relative(root, path)}`),
    );
    expect(offenders).toEqual([]);
  });
});
