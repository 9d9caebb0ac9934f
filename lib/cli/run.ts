/**
 * The CLI's engine: fetch a list of URLs through one client, a bounded
 * number at a time, send each body where it belongs (stdout, a file, or
 * nowhere), and count everything in a {@link Summary}. With `discover`, each
 * body can add URLs to fetch (a crawl: the demo uses this).
 *
 * @module
 */
import type { Client } from "../client.ts";
import { describeError, errorCode } from "../debug/describe_error.ts";
import type { HttpResponse } from "../response.ts";
import { ensureDir, openFileWriter } from "../runtime/fs.ts";
import { writeTo } from "../runtime/process.ts";
import { FileNames } from "./file_name.ts";
import type { FetchResult, Summary } from "./summary.ts";

/** Where response bodies go. */
export type BodyTarget =
  | { kind: "stdout" }
  | { kind: "discard" }
  | { kind: "dir"; dir: string };

/** A page handed to `discover`: its URL, response and whole body. */
export interface DiscoveredPage {
  /** The URL as requested. */
  url: string;
  /** The response (its body already read). */
  response: HttpResponse;
  /** The body. */
  body: Uint8Array;
}

/** What to fetch and how. */
export interface RunPlan {
  /** URLs to fetch (absolute http or https). */
  urls: readonly string[];
  /** Method (default GET). */
  method?: string;
  /** Extra request header fields, in order. */
  headers?: readonly (readonly [string, string])[];
  /** Request body sent with every URL. */
  body?: string;
  /** Where bodies go. */
  bodies: BodyTarget;
  /** Requests handed to the client at once (the rest wait here, not in the pool's queue). */
  concurrency: number;
  /**
   * Called with each successful response and its whole body; the URLs it
   * returns are fetched too (each URL once per run).
   */
  discover?: (page: DiscoveredPage) => Iterable<string>;
  /** Called as each URL finishes, after the summary counted it. */
  onResult?: (result: FetchResult) => void;
}

/**
 * Fetch every URL of the plan (and every URL `discover` finds); resolves
 * when all are done. A URL that fails is counted, never thrown; only a
 * failure to create the output directory rejects.
 *
 * @example
 * ```ts
 * import { Client } from "../client.ts";
 * import { runFetches } from "./run.ts";
 * import { Summary } from "./summary.ts";
 * await using client = new Client();
 * const summary = new Summary();
 * await runFetches(client, { urls: ["http://127.0.0.1:8080/"], bodies: { kind: "discard" }, concurrency: 8 }, summary);
 * console.log(summary.done, summary.failed);
 * ```
 */
export async function runFetches(client: Client, plan: RunPlan, summary: Summary): Promise<void> {
  if (plan.bodies.kind === "dir") await ensureDir(plan.bodies.dir);
  const queue = [...plan.urls];
  const seen = plan.discover === undefined ? null : new Set(queue);
  const names = new FileNames();
  const concurrency = Math.max(1, plan.concurrency);
  let next = 0;
  let running = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (running < concurrency && next < queue.length) {
        const url = queue[next++];
        running++;
        summary.started();
        fetchOne(client, plan, url, names).then(({ result, found }) => {
          running--;
          if (seen !== null) {
            for (const link of found) {
              if (seen.has(link)) continue;
              seen.add(link);
              queue.push(link);
            }
          }
          summary.finished(result);
          plan.onResult?.(result);
          pump();
        });
      }
      if (running === 0 && next >= queue.length) resolve();
    };
    pump();
  });
}

/** One URL: request, body to its target, and the URLs it leads to. Never rejects. */
async function fetchOne(
  client: Client,
  plan: RunPlan,
  url: string,
  names: FileNames,
): Promise<{ result: FetchResult; found: Iterable<string> }> {
  const started = Date.now();
  let status: number | undefined;
  let bytes = 0;
  let file: string | undefined;
  try {
    const response = await client.request({
      url,
      method: plan.method,
      headers: plan.headers,
      body: plan.body,
    });
    status = response.status;
    const target = plan.bodies;
    if (target.kind === "dir") file = `${target.dir}/${names.take(url)}`;
    let found: Iterable<string> = [];
    if (plan.discover !== undefined) {
      const body = await response.bytes();
      bytes = body.length;
      if (file !== undefined) await writeWhole(file, body);
      if (target.kind === "stdout") await writeTo("stdout", body);
      if (response.ok) found = plan.discover({ url, response, body });
    } else {
      bytes = await streamBody(response, target, file);
    }
    const result: FetchResult = { url, status, bytes, ms: Date.now() - started };
    if (file !== undefined) result.file = file;
    if (response.fromCache !== "miss") result.cache = response.fromCache;
    return { result, found };
  } catch (error) {
    const code = errorCode(error);
    const described = describeError(error);
    const result: FetchResult = {
      url,
      bytes,
      error: {
        code,
        message: described.startsWith(`${code} `) ? described.slice(code.length + 1) : described,
      },
      ms: Date.now() - started,
    };
    if (status !== undefined) result.status = status;
    return { result, found: [] };
  }
}

/** Read a body chunk by chunk into its target; resolves to its size. */
async function streamBody(
  response: HttpResponse,
  target: BodyTarget,
  file: string | undefined,
): Promise<number> {
  const writer = file === undefined ? null : await openFileWriter(file);
  const reader = response.body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return bytes;
      bytes += value.length;
      if (writer !== null) await writer.write(value);
      else if (target.kind === "stdout") await writeTo("stdout", value);
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    await writer?.close();
  }
}

async function writeWhole(path: string, body: Uint8Array): Promise<void> {
  const writer = await openFileWriter(path);
  try {
    await writer.write(body);
  } finally {
    await writer.close();
  }
}
