import type { CommandSpec } from './runner.js';
import type { SecretMasker } from './secretMasker.js';

/** Thrown before anything runs when a command's arguments hold a password. */
export class SecretInArgsError extends Error {
  /** `program` as it may be shown, i.e. masked. */
  constructor(program: string, argumentNumber: number) {
    super(
      `refused to run ${program}: ${argumentNumber === 0 ? 'its program path' : `its argument ${argumentNumber}`} holds a password. ` +
        'Hand passwords to programs through the environment (PGPASSWORD) or a passfile (PGPASSFILE), ' +
        'never on the command line, where every user of the host can read them with ps.',
    );
    this.name = 'SecretInArgsError';
  }
}

/** Throws SecretInArgsError when an argument (or the program path) holds a secret the masker knows or recognises. */
export function refuseSecretsInArgs(spec: CommandSpec, masker: SecretMasker): void {
  const program = masker.mask(spec.program);
  if (program !== spec.program) throw new SecretInArgsError(program, 0);
  spec.args.forEach((arg, index) => {
    if (masker.reveals(arg)) throw new SecretInArgsError(program, index + 1);
  });
}
