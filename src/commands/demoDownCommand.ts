import { pathExists } from '../services/os/pathExists.js';
import { destroySandbox } from '../services/sandbox/destroySandbox.js';
import { resolveSandbox } from './resolveSandbox.js';

/** `pgcockpit demo down`: stop the sandbox's servers and remove its directory. */
export async function demoDownCommand(options: { dir?: string; pgBin?: string }): Promise<void> {
  const target = await resolveSandbox(options);
  // A mistyped --dir must not read as "removed": the real sandbox would keep running unnoticed.
  if (!(await pathExists(target.layout.root))) {
    throw new Error(`no sandbox at ${target.layout.root}: the directory does not exist; nothing was stopped or removed`);
  }
  await destroySandbox({ ...target, onStep: (message) => process.stderr.write(`  ${message}\n`) });
  process.stderr.write(`pgcockpit: sandbox in ${target.layout.root} is gone\n`);
}
