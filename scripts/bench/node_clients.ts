/**
 * The Node-only peers: undici's `Pool.request` (with and without pipelining)
 * and node:http with a keep-alive Agent. Loaded on Node only (Bun's "undici"
 * is a shim over its fetch).
 *
 * gzip: undici's `request` and node:http hand out the bytes as received, so
 * they decode the way their users do: undici with its `decompress`
 * interceptor, node:http with `zlib.gunzipSync` of the whole body.
 *
 * @module
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { gunzipSync } from "node:zlib";
import { type Dispatcher, interceptors, Pool } from "undici";
import type { LoadClient, LoadTarget } from "./load_clients.ts";

/**
 * undici `Pool.request` with `connections` connections, `pipelining` requests deep.
 *
 * @example
 * ```ts ignore
 * import { undiciClient } from "./node_clients.ts";
 * const client = undiciClient(target, 10);
 * ```
 */
export function undiciClient(target: LoadTarget, pipelining: number): LoadClient {
  const { server } = target;
  const origin = `${server.tls ? "https" : "http"}://127.0.0.1:${server.port}`;
  const pool = new Pool(origin, {
    connections: target.connections,
    pipelining,
    connect: server.tls ? { ca: target.ca } : undefined,
  });
  const dispatcher: Dispatcher = server.gzip ? pool.compose(interceptors.decompress()) : pool;
  return {
    request: async () => {
      const { body } = await dispatcher.request({ path: "/", method: "GET" });
      if (!target.stream) return (await body.arrayBuffer()).byteLength;
      let total = 0;
      for await (const chunk of body) total += (chunk as Uint8Array).length;
      return total;
    },
    close: () => pool.close(),
  };
}

/**
 * node:http (or node:https) `request` through a keep-alive Agent with `maxSockets` = connections.
 *
 * @example
 * ```ts ignore
 * import { nodeHttpClient } from "./node_clients.ts";
 * const client = nodeHttpClient(target);
 * ```
 */
export function nodeHttpClient(target: LoadTarget): LoadClient {
  const { server } = target;
  const agentOptions = { keepAlive: true, maxSockets: target.connections };
  const agent = server.tls ? new HttpsAgent({ ...agentOptions, ca: target.ca }) : new HttpAgent(agentOptions);
  const send = server.tls ? httpsRequest : httpRequest;
  return {
    request: () =>
      new Promise((resolve, reject) => {
        const request = send({ agent, host: "127.0.0.1", port: server.port, path: "/" }, (response) => {
          let total = 0;
          const chunks: Uint8Array[] = [];
          response.on("data", (chunk: Uint8Array) => {
            total += chunk.length;
            if (!target.stream) chunks.push(chunk);
          });
          response.on("error", reject);
          response.on("end", () => {
            if (!server.gzip) resolve(target.stream ? total : Buffer.concat(chunks).length);
            else resolve(gunzipSync(Buffer.concat(chunks)).length);
          });
        });
        request.on("error", reject);
        request.end();
      }),
    close: () => {
      agent.destroy();
      return Promise.resolve();
    },
  };
}
