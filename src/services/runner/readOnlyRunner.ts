import type { CommandResult, CommandSpec, RunOptions, Runner } from './runner.js';
import { ReadOnlyError } from './runner.js';

/**
 * A runner that refuses, before anything starts, every command marked
 * `mutating`; observing commands (pg_controldata, pg_ctl status, psql
 * SELECTs) pass through unchanged.
 */
export function readOnlyRunner(inner: Runner): Runner {
  return {
    where: inner.where,
    osUser: inner.osUser,
    async run(spec: CommandSpec, options?: RunOptions): Promise<CommandResult> {
      if (spec.mutating) throw new ReadOnlyError(spec, inner.where);
      return inner.run(spec, options);
    },
    close: () => inner.close(),
  };
}
