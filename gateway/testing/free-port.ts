/**
 * (Test-only) A port nothing uses right now, chosen by the OS: it skips ports that are bound or
 * serve as the local end of a connection, which a random pick checked by connecting cannot see
 * (Docker's proxy then fails with "address already in use").
 */
import net from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
