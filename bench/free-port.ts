import { createServer } from 'node:net';

/**
 * A loopback TCP port nothing listens on right now (bound, read, closed): for a listener to be
 * started on it, or for a peer that must find it closed. Another process may take it meanwhile.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
