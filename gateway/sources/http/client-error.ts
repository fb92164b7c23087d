import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../../errors.js';
import { rawErrorResponse } from './respond.js';

/**
 * Node's `clientError`: a request Node refused before any handler saw it (no request or response
 * object exists), answered in the one JSON error shape on the socket itself, then closed: 431
 * `headers_too_large`, 408 `request_timeout` (headers or body too slow: http.headersTimeoutMs,
 * requestTimeoutMs), 400 `malformed_request` for anything else the HTTP parser cannot read. A
 * connection that is already gone, or whose response has begun, is only closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || (pending && pending.headersSent)) {
    socket.destroy();
    return;
  }
  socket.end(rawErrorResponse(clientErrorOf(err)));
}

/** Pure: the GatewayError for an error code of Node's HTTP parser or server. */
export function clientErrorOf(err: NodeJS.ErrnoException): GatewayError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError('headers_too_large', 'the request headers are larger than the server accepts (16 KiB by default)');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError('request_timeout', 'the request did not arrive in time (http.headersTimeoutMs for the headers, http.requestTimeoutMs in all)');
    default:
      return new GatewayError('malformed_request', `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`);
  }
}
