/**
 * A server that misbehaves at random (seeded) while answering correctly
 * when it answers: per request it either answers at once, answers slowly
 * or in pieces, stalls forever, resets or closes before answering, resets
 * or closes in the middle of the body, or answers and then closes. The body
 * of a full answer is {@link expectedBody} of the request, so a client can
 * tell a right answer from a mismatched one.
 */
import type { Socket } from "node:net";
import { Random } from "../fuzz/random.ts";
import { type RawRequest, type RawTestServer, startRawServer } from "./raw_http.ts";

/** What the server did, per request. */
export type Fault =
  | "ok"
  | "slow"
  | "pieces"
  | "stall"
  | "reset-before"
  | "close-before"
  | "reset-mid-body"
  | "close-mid-body"
  | "close-after";

/** Weights of each behaviour (they need not sum to anything). */
const WEIGHTS: [Fault, number][] = [
  ["ok", 70],
  ["slow", 7],
  ["pieces", 5],
  ["stall", 3],
  ["reset-before", 3],
  ["close-before", 3],
  ["reset-mid-body", 3],
  ["close-mid-body", 3],
  ["close-after", 3],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

/** The body a full answer to `method target` with a request body of `bodyLength` bytes carries. */
export function expectedBody(method: string, target: string, bodyLength: number): string {
  let hash = 0;
  for (let i = 0; i < target.length; i++) hash = (hash * 31 + target.charCodeAt(i)) >>> 0;
  return `${method} ${target} ${bodyLength}|${"0123456789".repeat(hash % 300)}`;
}

export interface FaultyServer extends RawTestServer {
  /** How often each behaviour was chosen. */
  readonly faults: Record<Fault, number>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function gone(socket: Socket): boolean {
  return socket.destroyed || socket.writableEnded;
}

/** Start a faulty server whose choices are drawn from `seed`. */
export async function startFaultyServer(seed: number): Promise<FaultyServer> {
  const random = new Random(seed);
  const faults = Object.fromEntries(WEIGHTS.map(([fault]) => [fault, 0])) as Record<Fault, number>;
  const pick = (): Fault => {
    let roll = random.int(TOTAL_WEIGHT);
    for (const [fault, weight] of WEIGHTS) {
      if (roll < weight) return fault;
      roll -= weight;
    }
    return "ok";
  };
  const answer = async (request: RawRequest, socket: Socket): Promise<null> => {
    const fault = pick();
    faults[fault]++;
    const body = Buffer.from(expectedBody(request.method, request.target, request.body.length), "latin1");
    const close = fault === "close-after" ? "Connection: close\r\n" : "";
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${close}\r\n`, "latin1");
    const whole = Buffer.concat([head, body]);
    const half = head.length + (body.length >> 1);
    switch (fault) {
      case "ok":
        socket.write(whole);
        break;
      case "slow":
        await sleep(random.range(5, 60));
        if (!gone(socket)) socket.write(whole);
        break;
      case "pieces":
        for (let at = 0; at < whole.length && !gone(socket);) {
          const next = Math.min(whole.length, at + random.range(1, Math.max(1, whole.length >> 1)));
          socket.write(whole.subarray(at, next));
          at = next;
          await sleep(random.range(1, 15));
        }
        break;
      case "stall":
        // Never answer: requests pipelined behind it wait too, as on a real server.
        await new Promise((resolve) => socket.once("close", resolve));
        break;
      case "reset-before":
        socket.resetAndDestroy();
        break;
      case "close-before":
        socket.end();
        break;
      case "reset-mid-body":
        socket.write(whole.subarray(0, half));
        await sleep(2);
        if (!socket.destroyed) socket.resetAndDestroy();
        break;
      case "close-mid-body":
        socket.end(whole.subarray(0, half));
        break;
      case "close-after":
        socket.end(whole);
        break;
    }
    return null;
  };
  const server = await startRawServer(answer);
  return Object.assign(server, { faults });
}
