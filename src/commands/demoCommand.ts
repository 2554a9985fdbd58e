import { ensureSandbox } from '../services/sandbox/ensureSandbox.js';
import { runCockpit } from '../tui/runCockpit.js';
import { resolveSandbox } from './resolveSandbox.js';

export interface DemoOptions {
  nodes?: number;
  dir?: string;
  pgBin?: string;
  /** false with --no-open: set the sandbox up, print where, and return. */
  open: boolean;
  /** pgcockpit --read-only demo */
  readOnly?: boolean;
}

/** `pgcockpit demo`: the built-in sandbox cluster, created or reused, then the cockpit on it. */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const target = await resolveSandbox(options);
  const say = (message: string) => process.stderr.write(`${message}\n`);
  say(`pgcockpit: sandbox in ${target.layout.root} (servers run as ${target.osUser.name}, binaries from ${target.pgBinDir})`);
  const sandbox = await ensureSandbox({
    ...target,
    nodeCount: options.nodes,
    onStep: (message) => say(`  ${message}`),
  });
  say(
    `pgcockpit: ${sandbox.created ? 'created' : 'reusing'} a ${sandbox.config.nodes.length}-node sandbox; ` +
      `config ${sandbox.layout.configFile}`,
  );
  for (const node of sandbox.config.nodes) say(`  ${node.name}  127.0.0.1:${node.port}  ${node.dataDir}`);
  if (!options.open) return;
  await runCockpit(sandbox.config, { readOnly: options.readOnly ?? false });
  say(`pgcockpit: the sandbox keeps running in ${sandbox.layout.root}; \`pgcockpit demo down\` stops and removes it.`);
}
