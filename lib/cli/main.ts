/**
 * The CLI from arguments to exit code: parse, read the URL list, build the
 * client, run with progress, save the cookie jar, print the summary.
 *
 * @module
 */
import { Client } from "../client.ts";
import { formatDebugEvent } from "../debug/debugger.ts";
import { describeError, errorCode } from "../debug/describe_error.ts";
import { readTextFile } from "../runtime/fs.ts";
import { isTerminal, terminalColumns, writeTo } from "../runtime/process.ts";
import { type CliOptions, parseArgs, parseUrlList } from "./args.ts";
import { cliClientOptions } from "./client_options.ts";
import { Progress } from "./progress.ts";
import { type BodyTarget, runFetches } from "./run.ts";
import { formatSummary, Summary, summaryReport } from "./summary.ts";
import { usageText } from "./usage.ts";

/** Exit codes of the CLI. */
export const exitCodes = {
  /** Every request succeeded. */
  ok: 0,
  /** Some request failed (or the cookie jar could not be saved). */
  failed: 1,
  /** The command line (or a file it names) is not usable. */
  usage: 2,
} as const;

/** Columns assumed when stderr is not a terminal. */
const DEFAULT_COLUMNS = 100;

function writeStderr(text: string): void {
  writeTo("stderr", text).catch(() => {});
}

async function usageError(message: string): Promise<number> {
  await writeTo("stderr", `error ERR_USAGE ${message}\nRun with --help for the options.\n`);
  return exitCodes.usage;
}

/** Every URL: the arguments, then the lines of `-i FILE`. */
async function collectUrls(options: CliOptions): Promise<{ urls: string[] } | { message: string }> {
  if (options.inputFile === undefined) return { urls: options.urls };
  let text: string;
  try {
    text = await readTextFile(options.inputFile);
  } catch (error) {
    return { message: `cannot read ${options.inputFile}: ${describeError(error)}` };
  }
  const listed = parseUrlList(text, options.inputFile);
  return "message" in listed ? listed : { urls: [...options.urls, ...listed.urls] };
}

/**
 * Run the CLI with the arguments after the script (`["get", URL, ...]`);
 * resolves to the exit code (see {@link exitCodes}).
 *
 * @example
 * ```ts
 * import { runCli } from "./main.ts";
 * const code = await runCli(["get", "http://127.0.0.1:8080/", "-o", "pages"]);
 * console.log(code); // 0 when every request succeeded
 * ```
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "help") {
    await writeTo("stdout", usageText);
    return exitCodes.ok;
  }
  if (parsed.kind === "usage") return usageError(parsed.message);
  const options = parsed.options;
  const collected = await collectUrls(options);
  if ("message" in collected) return usageError(collected.message);
  const urls = collected.urls;

  // Several URLs, or files: a run with progress and a summary. One URL to
  // stdout: like curl, only the body (and errors).
  const many = urls.length > 1 || options.outputDir !== undefined;
  const bodies: BodyTarget = options.outputDir !== undefined
    ? { kind: "dir", dir: options.outputDir }
    : many || options.json
    ? { kind: "discard" }
    : { kind: "stdout" };
  const summary = new Summary();
  const progress = new Progress({
    write: writeStderr,
    terminal: many && isTerminal("stderr"),
    columns: () => terminalColumns("stderr", DEFAULT_COLUMNS),
    everyResult: many,
    summary,
  });
  let client: Client;
  try {
    client = new Client(await cliClientOptions(options, (event) => progress.log(formatDebugEvent(event))));
  } catch (error) {
    return usageError(describeError(error));
  }
  let code: number = exitCodes.ok;
  progress.start(() => client.stats);
  try {
    const base = client.limits;
    await runFetches(client, {
      urls,
      method: options.method ?? (options.data !== undefined ? "POST" : undefined),
      headers: options.headers,
      body: options.data,
      bodies,
      // Enough to keep every allowed connection busy, pipelines full.
      concurrency: base.maxConn * (base.maxPipelinedRequests + 1),
      onResult: (result) => progress.result(result),
    }, summary);
  } catch (error) {
    progress.log(`error ${errorCode(error)} ${describeError(error)}`);
    code = exitCodes.failed;
  } finally {
    progress.stop();
  }
  if (options.cookieJar !== undefined && client.cookies !== null) {
    try {
      await client.cookies.saveNetscape(options.cookieJar);
    } catch (error) {
      progress.log(
        `error ${errorCode(error)} cannot save the cookie jar ${options.cookieJar}: ${describeError(error)}`,
      );
      code = exitCodes.failed;
    }
  }
  const report = summaryReport(summary, client.stats);
  await client.closeAll();
  if (options.json) await writeTo("stdout", JSON.stringify(report, null, 2) + "\n");
  else if (many) await writeTo("stderr", formatSummary(report));
  if (summary.failed > 0) code = exitCodes.failed;
  return code;
}
