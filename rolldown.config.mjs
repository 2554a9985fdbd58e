// The command line, bundled: `npm run build` runs tsc first (dist/ per module, which the tests and the bench
// import), then this, which writes over dist/cli.js and dist/main.js and puts the rest in dist/chunks/.
// Unbundled, a `status --json` resolved and compiled some 170 ES modules (68 of pgcockpit's, 95 of zod's)
// plus pg's and yaml's CommonJS files: ~295 ms a run here; bundled, ~205 ms. Each subcommand's dynamic
// import stays a chunk of its own, so Ink and React load only for the cockpit and the demo
// (test/cli/bundle.int.test.ts checks what `--version` and `status --json` load).
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'rolldown';

/**
 * Chunks are named by content hash, so a rebuild would leave the last build's beside the new ones. Those
 * not in this build go once they are a day old: a cockpit started from an earlier build loads some chunks
 * only when a key is pressed (a runbook's planner), and must still find them after a rebuild under it
 * (or two builds at once in one checkout).
 */
const KEEP_OLD_CHUNKS_MS = 24 * 3600_000;
const dropStaleChunks = {
  name: 'drop-stale-chunks',
  writeBundle(options, bundle) {
    const dir = path.join(options.dir, 'chunks');
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!(`chunks/${name}` in bundle) && statSync(file).mtimeMs < Date.now() - KEEP_OLD_CHUNKS_MS) rmSync(file, { force: true });
    }
  },
};

/**
 * A plugin that turns one expression of one library file into `false`, and stops the build when the file
 * no longer holds exactly one (the library changed: look again rather than quietly lose the fix). The
 * replacement keeps the lines where they were, so `map: null` (the code did not move) keeps source maps right.
 */
function replaceWithFalse(name, file, expression, what) {
  return {
    name,
    transform: {
      filter: { id: new RegExp(`[\\\\/]node_modules[\\\\/]${file.split('/').map((part) => part.replace(/\./g, '\\.')).join('[\\\\/]')}$`) },
      handler(code) {
        if (code.split(expression).length !== 2) throw new Error(`${file}: expected one \`${expression}\` (${what}) to replace`);
        return { code: code.replace(expression, 'false'), map: null };
      },
    },
  };
}

/**
 * pg asks at load whether it runs in a Cloudflare Worker; without a global `navigator` (Node 20) it asks by
 * building a `new Response(...)`, which makes Node load undici and the web streams behind it: about 45 ms,
 * a quarter of a `status --json`. A command line is never a Worker; the probe becomes a plain `false`.
 */
const pgWithoutWorkerProbe = replaceWithFalse('pg-without-worker-probe', 'pg/lib/stream.js', "typeof Response === 'function'", "pg's Cloudflare probe");

/**
 * Ink with DEV=true in the environment connects to React's devtools (react-devtools-core, not installed) and
 * reads its own package.json next to its module, which in the bundle is dist/ (no such file): the cockpit
 * would not start for a DBA whose shell sets DEV for something else. The bundled cockpit is never
 * developed in: Ink's isDev() is false.
 */
const inkWithoutDevMode = replaceWithFalse('ink-without-dev-mode', 'ink/build/utils.js', "process.env['DEV'] === 'true'", "Ink's isDev");

export default defineConfig({
  // main.ts is an entry of its own so that it stays at dist/main.js, where the `../package.json` it reads
  // its version from is the package's. cli.ts imports it dynamically, after choosing React's production build.
  input: { cli: 'src/cli.ts', main: 'src/main.ts' },
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  // The oldest Node the package supports (package.json engines).
  transform: { target: 'node20' },
  // Left to Node, as without a bundle: ssh2 loads its compiled sshcrypto.node and cpu-features (optional)
  // by paths relative to its own files; pg-native is pg's optional native driver, not installed; ink
  // imports react-devtools-core only when DEV=true, and it is not installed either.
  plugins: [pgWithoutWorkerProbe, inkWithoutDevMode, dropStaleChunks],
  external: ['ssh2', 'cpu-features', 'pg-native', 'react-devtools-core'],
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    // Stack traces of a bundled run, with `node --enable-source-maps`, name the source files.
    sourcemap: true,
  },
});
