import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * L3, in a process of its own: node:http with the gateway's keep-alive setting, reading each body
 * in full and answering 202 with a small JSON body, and nothing else. What the HTTP stack and the
 * client cost on this machine; S2 is measured against it.
 */
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = `{"accepted":1,"duplicates":0,"rejected":0,"results":[{"status":"accepted","eventId":"x","seq":${Buffer.concat(chunks).length}}]}`;
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
