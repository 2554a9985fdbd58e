/** Thrown before anything runs when this process cannot become the node's OS user. */
export class LocalUserError extends Error {
  constructor(program: string, osUser: string, me: string) {
    super(
      `cannot run ${program} as ${osUser} on this machine: pgcockpit runs as ${me}, and only root can run a program as another user. ` +
        `Run pgcockpit as ${osUser} (e.g. sudo -u ${osUser} pgcockpit ...) or as root, or set osUser: ${me} for this node if ${me} owns its data.`,
    );
    this.name = 'LocalUserError';
  }
}
