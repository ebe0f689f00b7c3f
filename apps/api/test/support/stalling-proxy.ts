import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server (the S3 server), which can stall: while stalled it
 * accepts connections and holds every byte in both directions, as a hung S3 does; release() forwards what it
 * held and passes everything on from then. Without a target it is a server that accepts and never answers.
 * It counts the bytes it passed on towards the target, so a test can see a body arriving while it streams.
 */
export interface StallingProxy {
  /** http://127.0.0.1:port, for S3_ENDPOINT. */
  url: string;
  stall(): void;
  release(): void;
  /** Bytes passed on to the target so far. */
  readonly forwardedBytes: number;
  close(): Promise<void>;
}

export async function startStallingProxy(target?: { host: string; port: number }): Promise<StallingProxy> {
  let stalled = target === undefined;
  let forwarded = 0;
  const sockets = new Set<Socket>();
  const waiting: (() => void)[] = [];

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!target) return void client.resume();
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    // A client that goes away takes its upstream request with it, unsent bytes included.
    client.on('close', () => upstream.destroy());
    const relay = (from: Socket, to: Socket, counted: boolean) =>
      from.on('data', (chunk: Buffer) => {
        const send = () => {
          if (to.destroyed) return;
          if (counted) forwarded += chunk.length;
          to.write(chunk);
        };
        if (stalled) waiting.push(send);
        else send();
      });
    relay(client, upstream, true);
    relay(upstream, client, false);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    stall: () => void (stalled = true),
    release: () => {
      stalled = false;
      for (const send of waiting.splice(0)) send();
    },
    get forwardedBytes() {
      return forwarded;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
