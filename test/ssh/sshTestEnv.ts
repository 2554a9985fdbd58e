import path from 'node:path';
import type { SshEnvironment } from '../../src/services/ssh/sshEnvironment.js';

/** Every path under a scratch home: tests never read or write the real ~/.ssh or agent. */
export function testSshEnvironment(home: string, overrides: Partial<SshEnvironment> = {}): SshEnvironment {
  return {
    home,
    localUser: 'root',
    configFile: path.join(home, '.ssh', 'config'),
    userKnownHostsFiles: [path.join(home, '.ssh', 'known_hosts')],
    globalKnownHostsFiles: [path.join(home, 'etc', 'ssh_known_hosts')],
    agentSocket: undefined,
    ...overrides,
  };
}
