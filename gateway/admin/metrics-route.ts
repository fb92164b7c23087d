import type { Route } from '../sources/http/router.js';

/** What the route needs of the metrics component. */
export interface MetricsText {
  readonly contentType: string;
  text(): Promise<string>;
}

/** `GET /metrics`: the Prometheus text exposition format (prom-client), for a scraper. */
export function metricsRoutes(metrics: MetricsText): Route[] {
  return [
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => {
        const body = await metrics.text();
        res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
    },
  ];
}
