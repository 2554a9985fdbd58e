import { describe, expect, it } from 'vitest';
import { lookupSshHost, parseJumpHop, parseProxyJump, parseSshConfig } from '../../src/services/ssh/sshConfigLookup.js';
import { describeEndpoint, endpointKey, resolveSshEndpoint } from '../../src/services/ssh/sshEndpoint.js';
import { testSshEnvironment } from './sshTestEnv.js';

const env = testSshEnvironment('/home/dba', { localUser: 'dba' });

const config = parseSshConfig(`
# a DBA's ~/.ssh/config
Host db1
  HostName 10.0.0.11
  User admin
  Port 2200
  IdentityFile ~/.ssh/id_db
  IdentityFile "/keys/with space"
  ProxyJump bastion

Host bastion
  HostName bastion.example.com
  User jump

Host db2
  hostname 10.0.0.12
  proxyjump ops@hop1:2022,hop2

Host hop2
  Port 2023

Host *.internal
  HostName %h.example.com
  HostKeyAlias internal-alias
  HashKnownHosts yes

Host legacy
  ProxyCommand nc -X connect proxy %h %p

Host loop
  ProxyJump loop

Host *
  User everyone
  IdentityFile ~/.ssh/id_%r@%h
`);

describe('lookupSshHost', () => {
  it('applies the first value of each option from the matching Host blocks', () => {
    expect(lookupSshHost(config, 'db1')).toEqual({
      hostName: '10.0.0.11',
      user: 'admin',
      port: 2200,
      identityFiles: ['~/.ssh/id_db', '/keys/with space', '~/.ssh/id_%r@%h'],
      proxyJump: 'bastion',
    });
    expect(lookupSshHost(config, 'unknown.example.com')).toEqual({ user: 'everyone', identityFiles: ['~/.ssh/id_%r@%h'] });
  });

  it('reads option names case-insensitively, as ssh does', () => {
    expect(lookupSshHost(config, 'db2')).toMatchObject({ hostName: '10.0.0.12', proxyJump: 'ops@hop1:2022,hop2' });
  });

  it('finds nothing without a config file', () => {
    expect(lookupSshHost(null, 'db1')).toEqual({ identityFiles: [] });
  });
});

describe('ProxyJump hops', () => {
  it('reads [ssh://][user@]host[:port] and bracketed addresses', () => {
    expect(parseJumpHop('bastion')).toEqual({ host: 'bastion' });
    expect(parseJumpHop('ops@hop1:2022')).toEqual({ user: 'ops', host: 'hop1', port: 2022 });
    expect(parseJumpHop('ssh://ops@[::1]:22')).toEqual({ user: 'ops', host: '::1', port: 22 });
    expect(parseProxyJump('a,b')).toEqual([{ host: 'a' }, { host: 'b' }]);
    expect(parseProxyJump('none')).toEqual([]);
    expect(() => parseJumpHop('a:b:c')).toThrow('cannot read ProxyJump hop');
  });
});

describe('resolveSshEndpoint', () => {
  it('resolves an alias: HostName, User, Port, IdentityFile with ~ and tokens, and the jump host', () => {
    const endpoint = resolveSshEndpoint({ host: 'db1' }, env, config);
    expect(endpoint).toMatchObject({
      name: 'db1',
      hostname: '10.0.0.11',
      port: 2200,
      user: 'admin',
      identityFiles: ['/home/dba/.ssh/id_db', '/keys/with space', '/home/dba/.ssh/id_admin@10.0.0.11'],
      identityFilesAreDefaults: false,
      hostKeyName: '[10.0.0.11]:2200',
      acceptNewHostKeys: false,
    });
    expect(endpoint.via).toMatchObject({ name: 'bastion', hostname: 'bastion.example.com', user: 'jump', port: 22, hostKeyName: 'bastion.example.com' });
    expect(endpoint.via?.via).toBeUndefined();
    expect(describeEndpoint(endpoint)).toBe('admin@db1 (10.0.0.11):2200 via jump@bastion (bastion.example.com):22');
    expect(endpointKey(endpoint)).toBe('admin@10.0.0.11:2200 via jump@bastion.example.com:22');
  });

  it('lets the node config beat ~/.ssh/config, as ssh command-line options do', () => {
    const endpoint = resolveSshEndpoint({ host: 'db1', user: 'postgres', port: 22, identityFile: '~/k', acceptNewHostKeys: true }, env, config);
    expect(endpoint).toMatchObject({ user: 'postgres', port: 22, identityFiles: ['/home/dba/k'], hostKeyName: '10.0.0.11', acceptNewHostKeys: true });
    expect(endpoint.via?.acceptNewHostKeys).toBe(true);
  });

  it('chains a ProxyJump list: each hop through the one before, each looked up as an alias', () => {
    const endpoint = resolveSshEndpoint({ host: 'db2' }, env, config);
    expect(endpoint.via).toMatchObject({ name: 'hop2', port: 2023, user: 'everyone' });
    expect(endpoint.via?.via).toMatchObject({ name: 'hop1', port: 2022, user: 'ops' });
    expect(endpoint.via?.via?.via).toBeUndefined();
  });

  it('expands %h in HostName and honours HostKeyAlias and HashKnownHosts', () => {
    expect(resolveSshEndpoint({ host: 'db3.internal' }, env, config)).toMatchObject({
      hostname: 'db3.internal.example.com',
      hostKeyName: 'internal-alias',
      hashKnownHosts: true,
    });
  });

  it("falls back to the local user and ssh's default identity files without a config", () => {
    expect(resolveSshEndpoint({ host: '127.0.0.1' }, env, null)).toMatchObject({
      hostname: '127.0.0.1',
      port: 22,
      user: 'dba',
      identityFiles: ['/home/dba/.ssh/id_ed25519', '/home/dba/.ssh/id_ecdsa', '/home/dba/.ssh/id_rsa'],
      identityFilesAreDefaults: true,
    });
  });

  it('refuses ProxyCommand and jump loops with a clear message', () => {
    expect(() => resolveSshEndpoint({ host: 'legacy' }, env, config)).toThrow('use ProxyJump');
    expect(() => resolveSshEndpoint({ host: 'loop' }, env, config)).toThrow('a loop?');
  });
});
