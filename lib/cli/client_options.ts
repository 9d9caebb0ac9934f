/**
 * Client options from the command line: limits, client IPs, debug levels,
 * TLS (`--insecure`, `--cacert`), the cookie jar file and the cache
 * directory. Reads the files the options name.
 *
 * @module
 */
import { FileCacheStore } from "../cache/file_store.ts";
import type { ClientOptions } from "../client.ts";
import { CookieJar } from "../cookies/jar.ts";
import type { DebugSink } from "../debug/debugger.ts";
import { readBytesIfExists, readTextFile } from "../runtime/fs.ts";
import type { TlsConnectOptions } from "../runtime/types.ts";
import type { CliOptions } from "./args.ts";

/**
 * Build the client's options. Rejects when `--cacert` cannot be read or the
 * `--cookie-jar` file exists but is not a Netscape cookie file
 * (`ERR_COOKIE_FILE`); a missing jar file is an empty jar.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import { cliClientOptions } from "./client_options.ts";
 * const parsed = parseArgs(["get", "http://127.0.0.1:8080/", "--max-conn", "4", "-v"]);
 * if (parsed.kind === "get") console.log(await cliClientOptions(parsed.options, () => {}));
 * ```
 */
export async function cliClientOptions(options: CliOptions, debugSink: DebugSink): Promise<ClientOptions> {
  const client: ClientOptions = { clientIps: options.clientIps, debugSink };
  if (options.maxConn !== undefined) client.maxConn = options.maxConn;
  if (options.maxConnPerTarget !== undefined) client.maxConnPerTarget = options.maxConnPerTarget;
  if (options.maxPipelinedRequests !== undefined) client.maxPipelinedRequests = options.maxPipelinedRequests;
  if (options.maxRetries !== undefined) client.maxRetries = options.maxRetries;
  if (options.maxRedirects !== undefined) client.maxRedirects = options.maxRedirects;
  if (options.debug !== undefined) client.debug = options.debug;
  const tls: TlsConnectOptions = {};
  if (options.insecure) tls.insecure = true;
  if (options.cacert !== undefined) tls.caCerts = [await readTextFile(options.cacert)];
  client.tls = tls;
  if (options.cookieJar !== undefined) {
    const saved = await readBytesIfExists(options.cookieJar);
    if (saved !== null) client.cookies = CookieJar.fromNetscape(new TextDecoder().decode(saved));
  }
  if (options.cacheDir !== undefined) client.cache = new FileCacheStore({ dir: options.cacheDir });
  return client;
}
