const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']);

/** Host names as written in the config and as PostgreSQL reports addresses: loopback spellings are one host. */
export function sameHost(a: string, b: string): boolean {
  return canonicalHost(a) === canonicalHost(b);
}

function canonicalHost(host: string): string {
  // inet values print with a mask ("10.0.0.12/32"); IPv6 may come in brackets.
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\/(32|128)$/, '');
  return LOOPBACK.has(bare) ? 'loopback' : bare;
}
