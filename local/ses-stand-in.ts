import type { Server } from 'node:http';

export interface SesStandIn {
  /** Endpoint for the SES client. */
  url: string;
  stop(): Promise<void>;
}

/**
 * aws-ses-v2-local: the SES query API (SendRawEmail) on loopback. It keeps what it receives
 * in memory (one store per process) and shows it at `url` in a browser; it cannot inject
 * errors, and it does not implement GetSendQuota (set a fixed send rate).
 */
export async function startSesStandIn(): Promise<SesStandIn> {
  type Start = (config: { host: string; port: number }) => Promise<Server>;
  // A CommonJS module: Node's loader nests its default export once more than bundlers do.
  const module = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const start = typeof module.default === 'function' ? module.default : module.default.default;
  const server = await start({ host: '127.0.0.1', port: 0 });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
