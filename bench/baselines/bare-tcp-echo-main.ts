import { createServer, type AddressInfo } from 'node:net';

/**
 * S3's baseline, in a process of its own: a TCP server that writes back every byte it reads, and
 * nothing else. What the sockets, the client and the machine cost for S3's bytes, without FIX.
 */
const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
