import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import {
  AbortError,
  BodyTooLargeError,
  ConnectError,
  InvalidRequestError,
  SocketError,
  TimeoutError,
  TlsError,
} from "../lib/errors.ts";
import { availableTransports, detectTransport, transportByName } from "../lib/runtime/detect.ts";
import { ReceiveQueue } from "../lib/runtime/receive_queue.ts";
import { connReadable, connWritable, readAll } from "../lib/runtime/streams.ts";
import type { Conn, TransportName } from "../lib/runtime/types.ts";
import { caCert } from "./servers/fixtures.ts";
import { type RawServer, startRawServer } from "./servers/tcp.ts";
import { startTlsServer, type TlsServer } from "./servers/tls.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `length` bytes of a pattern that does not repeat every 256 bytes. */
function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

/** Index of the first difference, or -1 when equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Read until EOF through one reused buffer of `bufferSize` bytes. */
async function readToEnd(conn: Conn, bufferSize = 1000): Promise<Uint8Array> {
  const buffer = new Uint8Array(bufferSize);
  const parts: Uint8Array[] = [];
  for (;;) {
    const count = await conn.read(buffer);
    if (count === null) break;
    assert.ok(count > 0 && count <= bufferSize);
    parts.push(buffer.slice(0, count));
  }
  return concat(parts);
}

/** Read exactly `length` bytes through one reused buffer of `bufferSize` bytes. */
async function readExactly(conn: Conn, length: number, bufferSize: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(bufferSize);
  const bytes = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const count = await conn.read(buffer);
    assert.notEqual(count, null, `EOF after ${offset} of ${length} bytes`);
    bytes.set(buffer.subarray(0, count as number), offset);
    offset += count as number;
  }
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** A port nothing listens on: one that was just freed. */
async function closedPort(): Promise<number> {
  const server = await startRawServer(() => {});
  await server.close();
  return server.port;
}

/** A raw server that accepts connections and never answers; `closed` settles when its first connection closes. */
async function startSilentServer(onConnection: (socket: Socket) => void = () => {}) {
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => markClosed = resolve);
  const server = await startRawServer((socket) => {
    socket.on("close", markClosed);
    // Read (and drop) what arrives, so that the client's FIN is seen.
    socket.resume();
    onConnection(socket);
  });
  return { server, closed };
}

function isError<T extends Error>(
  type: new (...args: never[]) => T,
  check: (error: T) => boolean = () => true,
) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return check(error);
  };
}

for (const name of availableTransports()) {
  describe(`the ${name} transport`, () => {
    const transport = transportByName(name);
    let echo: RawServer;
    let talker: RawServer;
    let tls: TlsServer;

    before(async () => {
      echo = await startRawServer((socket) => socket.pipe(socket));
      talker = await startRawServer((socket) => socket.end("hello world"));
      tls = await startTlsServer({ alpn: ["http/1.1"] });
    });
    after(async () => {
      await echo.close();
      await talker.close();
      await tls.close();
    });

    /**
     * Wait until the server saw the client close a connection whose TLS
     * handshake was cut short. Deno's own TLS cannot do that: its close()
     * waits for the handshake to finish (denoland/deno#14547), so the socket
     * stays open until the server closes it (see lib/runtime/deno.ts).
     */
    const socketReleased = (closed: Promise<void>): Promise<void> =>
      name === "deno" ? Promise.resolve() : closed;

    it("echoes 300 KiB read back through a reused 1000-byte buffer", async () => {
      const conn = await transport.connect({ host: "127.0.0.1", port: echo.port });
      try {
        assert.equal(conn.remoteAddress, "127.0.0.1");
        assert.equal(conn.remotePort, echo.port);
        assert.equal(conn.localAddress, "127.0.0.1");
        assert.ok(conn.localPort > 0);
        const data = pattern(300 * 1024);
        const [received] = await Promise.all([readExactly(conn, data.length, 1000), conn.write(data)]);
        assert.equal(firstDifference(received, data), -1);
      } finally {
        conn.close();
      }
    });

    it("resolves null at end of stream, and again after that", async () => {
      const conn = await transport.connect({ host: "127.0.0.1", port: talker.port });
      try {
        assert.equal(decoder.decode(await readToEnd(conn, 4)), "hello world");
        assert.equal(await conn.read(new Uint8Array(4)), null);
      } finally {
        conn.close();
      }
    });

    it("resolves a pending read with null on close, and rejects later writes", async () => {
      const { server } = await startSilentServer();
      try {
        const conn = await transport.connect({ host: "127.0.0.1", port: server.port });
        const pending = conn.read(new Uint8Array(16));
        conn.close();
        conn.close();
        assert.equal(await pending, null);
        assert.equal(await conn.read(new Uint8Array(16)), null);
        await assert.rejects(conn.write(encoder.encode("late")), isError(SocketError));
      } finally {
        await server.close();
      }
    });

    it("reports a refused port as a ConnectError naming host and port", async () => {
      const port = await closedPort();
      await assert.rejects(
        transport.connect({ host: "127.0.0.1", port }),
        isError(ConnectError, (error) => error.message.includes(`127.0.0.1:${port}`)),
      );
    });

    it("times out a TLS handshake that never completes, and closes the socket", async () => {
      const { server, closed } = await startSilentServer();
      try {
        await assert.rejects(
          transport.connect({
            host: "127.0.0.1",
            port: server.port,
            tls: { caCerts: [caCert] },
            connectTimeout: 200,
          }),
          isError(TimeoutError, (error) => error.phase === "connect"),
        );
        await socketReleased(closed);
      } finally {
        await server.close();
      }
    });

    it("aborts a connect through its signal, and closes the socket", async () => {
      const controller = new AbortController();
      const { server, closed } = await startSilentServer(() => controller.abort(new Error("stop")));
      try {
        await assert.rejects(
          transport.connect({
            host: "127.0.0.1",
            port: server.port,
            tls: { caCerts: [caCert] },
            signal: controller.signal,
          }),
          isError(AbortError),
        );
        await socketReleased(closed);
        await assert.rejects(
          transport.connect({ host: "127.0.0.1", port: server.port, signal: controller.signal }),
          isError(AbortError),
        );
      } finally {
        await server.close();
      }
    });

    it("binds the local address it is given", async () => {
      const seen: string[] = [];
      const server = await startRawServer((socket) => {
        seen.push(socket.remoteAddress ?? "");
        socket.end();
      });
      try {
        const conn = await transport.connect({
          host: "127.0.0.1",
          port: server.port,
          localAddress: "127.0.0.2",
        });
        assert.equal(conn.localAddress, "127.0.0.2");
        assert.equal(await readToEnd(conn).then((bytes) => bytes.length), 0);
        conn.close();
        assert.deepEqual(seen, ["127.0.0.2"]);
      } finally {
        await server.close();
      }
    });

    it("verifies a server with the extra CA, sends the server name as SNI and negotiates ALPN", async () => {
      const conn = await transport.connect({
        host: "127.0.0.1",
        port: tls.port,
        tls: { serverName: "localhost", caCerts: [caCert], alpn: ["http/1.1"] },
      });
      try {
        assert.equal(conn.alpnProtocol, "http/1.1");
        await conn.write(encoder.encode("ping"));
        assert.equal(decoder.decode(await readExactly(conn, 4, 2)), "ping");
        assert.equal(tls.lastServerName, "localhost");
      } finally {
        conn.close();
      }
    });

    it("checks an IP address host against the certificate and sends no SNI for it", async () => {
      const conn = await transport.connect({ host: "127.0.0.1", port: tls.port, tls: { caCerts: [caCert] } });
      try {
        await conn.write(encoder.encode("ip"));
        assert.equal(decoder.decode(await readExactly(conn, 2, 16)), "ip");
        assert.equal(tls.lastServerName, undefined);
        assert.equal(conn.alpnProtocol, undefined);
      } finally {
        conn.close();
      }
    });

    it("checks the certificate against a server name other than the host", async () => {
      const conn = await transport.connect({
        host: "127.0.0.1",
        port: tls.port,
        tls: { serverName: "a.test", caCerts: [caCert] },
      });
      try {
        // The echo shows the server finished its side of the handshake.
        await conn.write(encoder.encode("*"));
        assert.equal(decoder.decode(await readExactly(conn, 1, 1)), "*");
        assert.equal(tls.lastServerName, "a.test");
      } finally {
        conn.close();
      }
    });

    for (
      const [certificate, label] of [
        ["wrong-host", "a certificate for another host"],
        ["expired", "an expired certificate"],
        ["self-signed", "a self-signed certificate"],
      ] as const
    ) {
      it(`rejects ${label} with a TlsError`, async () => {
        const server = await startTlsServer({ certificate });
        try {
          await assert.rejects(
            transport.connect({
              host: "127.0.0.1",
              port: server.port,
              tls: { serverName: "localhost", caCerts: [caCert] },
            }),
            isError(TlsError, (error) => error.message.includes(`127.0.0.1:${server.port}`)),
          );
        } finally {
          await server.close();
        }
      });
    }

    it("accepts a self-signed certificate with insecure", async () => {
      const server = await startTlsServer({ certificate: "self-signed" });
      try {
        const conn = await transport.connect({
          host: "127.0.0.1",
          port: server.port,
          tls: { serverName: "localhost", insecure: true },
        });
        await conn.write(encoder.encode("trust me"));
        assert.equal(decoder.decode(await readExactly(conn, 8, 64)), "trust me");
        conn.close();
      } finally {
        await server.close();
      }
    });

    it("fills the caller's buffer through a BYOB reader of connReadable", async () => {
      const conn = await transport.connect({ host: "127.0.0.1", port: talker.port });
      const reader = connReadable(conn).getReader({ mode: "byob" });
      const parts: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(64));
        if (done) break;
        // The bytes sit in the (transferred) 64-byte buffer the caller passed.
        assert.equal(value.buffer.byteLength, 64);
        parts.push(value.slice());
      }
      assert.equal(decoder.decode(concat(parts)), "hello world");
    });

    it("reads with a default reader of connReadable, and cancelling closes the connection", async () => {
      const conn = await transport.connect({ host: "127.0.0.1", port: talker.port });
      assert.equal(decoder.decode(await readAll(connReadable(conn, { chunkSize: 4 }))), "hello world");

      const { server, closed } = await startSilentServer((socket) => socket.write("first"));
      try {
        const silent = await transport.connect({ host: "127.0.0.1", port: server.port });
        const reader = connReadable(silent).getReader();
        const { value } = await reader.read();
        assert.equal(decoder.decode(value), "first");
        await reader.cancel();
        await closed;
      } finally {
        await server.close();
      }
    });

    it("writes every chunk through connWritable, and closing it closes the connection", async () => {
      let markReceived: (bytes: Uint8Array) => void = () => {};
      const received = new Promise<Uint8Array>((resolve) => markReceived = resolve);
      const server = await startRawServer((socket) => {
        const parts: Uint8Array[] = [];
        socket.on("data", (chunk: Uint8Array) => parts.push(chunk));
        socket.on("end", () => markReceived(concat(parts)));
      });
      try {
        const conn = await transport.connect({ host: "127.0.0.1", port: server.port });
        const writer = connWritable(conn).getWriter();
        const data = pattern(100 * 1024);
        await writer.write(data.subarray(0, 1));
        await writer.write(data.subarray(1));
        await writer.close();
        assert.equal(firstDifference(await received, data), -1);
      } finally {
        await server.close();
      }
    });
  });
}

describe("transport selection", () => {
  it("detects the runtime's native transport, and refuses the others by name", () => {
    const available = availableTransports();
    assert.equal(detectTransport().name, available[0]);
    assert.ok(available.includes("node"));
    for (const name of ["deno", "bun", "node"] as TransportName[]) {
      if (available.includes(name)) assert.equal(transportByName(name).name, name);
      else assert.throws(() => transportByName(name), isError(InvalidRequestError));
    }
  });
});

describe("ReceiveQueue", () => {
  it("pauses the socket past its mark and resumes it once the reader caught up", async () => {
    const calls: string[] = [];
    const queue = new ReceiveQueue(
      { pause: () => calls.push("pause"), resume: () => calls.push("resume") },
      10,
    );
    queue.push(pattern(8));
    queue.push(pattern(8));
    assert.deepEqual(calls, ["pause"]);
    const into = new Uint8Array(6);
    assert.equal(await queue.read(into), 6);
    assert.deepEqual(calls, ["pause"]);
    assert.equal(await queue.read(into), 6);
    assert.deepEqual(calls, ["pause", "resume"]);
    assert.equal(queue.size, 4);
  });

  it("delivers queued bytes before a socket error, then rejects every read", async () => {
    const queue = new ReceiveQueue({ pause() {}, resume() {} }, 1024);
    queue.push(encoder.encode("abc"));
    queue.fail(new SocketError("reset"));
    const into = new Uint8Array(8);
    assert.equal(await queue.read(into), 3);
    await assert.rejects(queue.read(into), isError(SocketError));
    await assert.rejects(queue.read(into), isError(SocketError));
  });
});

describe("readAll", () => {
  it("throws BodyTooLargeError past its limit and cancels the stream", async () => {
    let cancelled: unknown;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(600));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    await assert.rejects(readAll(stream, 1000), isError(BodyTooLargeError));
    assert.ok(cancelled instanceof BodyTooLargeError);
  });
});
