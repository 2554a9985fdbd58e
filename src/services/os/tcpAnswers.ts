import net from 'node:net';

/**
 * Whether something accepts TCP connections at host:port within timeoutMs:
 * the handshake completes (a server that then says nothing, or refuses the
 * login, still runs). Refused, unreachable or silent: false.
 */
export function tcpAnswers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
