import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { hostPortsInUse, portsOfSs } from '../../src/services/os/hostPortsInUse.js';
import { currentOsUser } from '../../src/services/os/osUser.js';
import { localRunner } from '../../src/services/runner/localRunner.js';

describe('the ports a host holds', () => {
  it('reads the local port of each ss line, IPv4, IPv6 and wildcard', () => {
    const output = ['LISTEN 0      144    127.0.0.1:5432   0.0.0.0:*', 'ESTAB  0      0      127.0.0.1:37374  127.0.0.1:5432', 'LISTEN 0      128    [::1]:5433       [::]:*', 'LISTEN 0      128    *:5434           *:*', ''].join('\n');
    expect([...portsOfSs(output)].sort((a, b) => a - b)).toEqual([5432, 5433, 5434, 37374]);
  });

  it("holds a client connection's own port, which a connection test would call free", async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    try {
      const held = await hostPortsInUse(localRunner(currentOsUser()));
      expect(held?.has(client.localPort!)).toBe(true);
    } finally {
      client.destroy();
      server.close();
    }
  });
});
