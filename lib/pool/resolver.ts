/**
 * Name resolution through the caller's `resolve(host)` hook, with answers
 * cached for a short time (the Lua original resolved on every connect).
 *
 * @module
 */
import { ConnectError } from "../errors.ts";

/**
 * The caller's resolver: host name in, IP address (or another host name) out.
 *
 * @example
 * ```ts
 * import { Client, type ResolveFunction } from "../../mod.ts";
 * const resolve: ResolveFunction = (host) => host.endsWith(".test") ? "127.0.0.1" : host;
 * await using client = new Client({ resolve });
 * ```
 */
export type ResolveFunction = (host: string) => string | Promise<string>;

/**
 * Caches `resolve()` answers for `ttl` milliseconds; concurrent lookups of one
 * host share one call. Without a hook, host names pass through unchanged (the
 * runtime's socket API resolves them).
 *
 * @example
 * ```ts
 * import { CachingResolver } from "./resolver.ts";
 * const resolver = new CachingResolver((host) => host === "a.test" ? "127.0.0.1" : host, 30_000);
 * await resolver.lookup("a.test"); // "127.0.0.1"
 * ```
 */
export class CachingResolver {
  #resolve: ResolveFunction | undefined;
  #ttl: number;
  #cache = new Map<string, { address: Promise<string>; expires: number }>();

  /** Create a resolver over an optional hook. */
  constructor(resolve: ResolveFunction | undefined, ttl: number) {
    this.#resolve = resolve;
    this.#ttl = ttl;
  }

  /** The address to connect to for `host`. Rejects with `ConnectError` when the hook fails. */
  lookup(host: string): Promise<string> {
    const resolve = this.#resolve;
    if (resolve === undefined) return Promise.resolve(host);
    const now = Date.now();
    const cached = this.#cache.get(host);
    if (cached !== undefined && cached.expires > now) return cached.address;
    const address = (async () => {
      try {
        const answer = await resolve(host);
        if (typeof answer !== "string" || answer === "") throw new Error(`no address for ${host}`);
        return answer;
      } catch (error) {
        this.#cache.delete(host);
        throw new ConnectError(`lookup failed for "${host}"`, { cause: error });
      }
    })();
    this.#cache.set(host, { address, expires: now + this.#ttl });
    return address;
  }
}
