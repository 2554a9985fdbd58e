import { destroySandbox } from '../services/sandbox/destroySandbox.js';
import { resolveSandbox } from './resolveSandbox.js';

/** `pgcockpit demo down`: stop the sandbox's servers and remove its directory. */
export async function demoDownCommand(options: { dir?: string; pgBin?: string }): Promise<void> {
  const target = await resolveSandbox(options);
  await destroySandbox({ ...target, onStep: (message) => process.stderr.write(`  ${message}\n`) });
  process.stderr.write(`pgcockpit: sandbox in ${target.layout.root} is gone\n`);
}
