/**
 * Command-line arguments of the CLI: `get URL... [options]` parsed into
 * {@link CliOptions}, or a usage error with a message. Nothing here touches
 * files or the network.
 *
 * @module
 */
import { parseDebugLevels } from "../debug/levels.ts";

/** Everything `get` was asked to do. */
export interface CliOptions {
  /** URLs given as arguments (checked: absolute http or https). */
  urls: string[];
  /** `-i FILE`: more URLs, one per line. */
  inputFile?: string;
  /** `-o DIR`: write bodies to files there. */
  outputDir?: string;
  /** `-H 'Name: value'`, in order. */
  headers: [string, string][];
  /** `-X METHOD`. */
  method?: string;
  /** `-d DATA`. */
  data?: string;
  /** `--max-conn N`. */
  maxConn?: number;
  /** `--max-conn-per-target N`. */
  maxConnPerTarget?: number;
  /** `--pipeline N`. */
  maxPipelinedRequests?: number;
  /** `--client-ip IP`, repeatable. */
  clientIps: string[];
  /** `--cookie-jar FILE`. */
  cookieJar?: string;
  /** `--cache DIR`. */
  cacheDir?: string;
  /** `--retries N`. */
  maxRetries?: number;
  /** `--max-redirects N`. */
  maxRedirects?: number;
  /** Debug levels from `-v`, `-vv` or `--debug`, comma-separated. */
  debug?: string;
  /** `--insecure`. */
  insecure: boolean;
  /** `--cacert FILE`. */
  cacert?: string;
  /** `--json`. */
  json: boolean;
}

/** What the command line asks for. */
export type ParsedArgs =
  | { kind: "get"; options: CliOptions }
  | { kind: "help" }
  | { kind: "usage"; message: string };

/** `-v` and `-vv`: the levels each turns on. */
export const verboseLevels = ["protocol", "protocol,stream,pool"] as const;

/** Options that take a whole number. */
type NumberOption = "maxConn" | "maxConnPerTarget" | "maxPipelinedRequests" | "maxRetries" | "maxRedirects";
/** Options that take a file or directory path. */
type PathOption = "outputDir" | "inputFile" | "cookieJar" | "cacheDir" | "cacert";
type ValueOption = NumberOption | PathOption | "header" | "method" | "data" | "clientIp" | "debug";

const valueOptions: Record<string, ValueOption> = {
  "-o": "outputDir",
  "--output": "outputDir",
  "-i": "inputFile",
  "--input": "inputFile",
  "-H": "header",
  "--header": "header",
  "-X": "method",
  "--request": "method",
  "-d": "data",
  "--data": "data",
  "--max-conn": "maxConn",
  "--max-conn-per-target": "maxConnPerTarget",
  "--pipeline": "maxPipelinedRequests",
  "--client-ip": "clientIp",
  "--cookie-jar": "cookieJar",
  "--cache": "cacheDir",
  "--retries": "maxRetries",
  "--max-redirects": "maxRedirects",
  "--debug": "debug",
  "--cacert": "cacert",
};

/** Numeric options and the smallest value each accepts. */
const minimums: Record<NumberOption, number> = {
  maxConn: 1,
  maxConnPerTarget: 1,
  maxPipelinedRequests: 0,
  maxRetries: 0,
  maxRedirects: 0,
};

/** RFC 9110 §5.6.2 token: what a method and a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Check that a string is an absolute http or https URL; returns an error
 * message, or `null` when it is fine.
 *
 * @example
 * ```ts
 * import { checkUrl } from "./args.ts";
 * checkUrl("http://127.0.0.1:8080/"); // null
 * checkUrl("ftp://example.com/"); // "unsupported URL scheme ftp: ..."
 * ```
 */
export function checkUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `invalid URL "${text}" (an absolute http:// or https:// URL is needed)`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `unsupported URL scheme ${url.protocol} in "${text}" (only http: and https:)`;
  }
  return null;
}

/**
 * Parse the command line (the arguments after the script).
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * const parsed = parseArgs(["get", "http://127.0.0.1:8080/", "-o", "out", "--pipeline", "4"]);
 * if (parsed.kind === "get") console.log(parsed.options.outputDir); // "out"
 * ```
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return { kind: "usage", message: "missing command (get)" };
  if (argv.includes("-h") || argv.includes("--help") || argv[0] === "help") return { kind: "help" };
  if (argv[0] !== "get") {
    return { kind: "usage", message: `unknown command "${argv[0]}" (the command is get)` };
  }
  const options: CliOptions = { urls: [], headers: [], clientIps: [], insecure: false, json: false };
  let verbosity = 0;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      options.urls.push(...argv.slice(i + 1));
      break;
    }
    if (/^-v+$/.test(arg)) {
      verbosity += arg.length - 1;
      continue;
    }
    if (arg === "--insecure") {
      options.insecure = true;
      continue;
    }
    if (arg === "--json") {
      options.json = true;
      continue;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const option = valueOptions[name];
    if (option === undefined) {
      if (arg.startsWith("-") && arg !== "-") return { kind: "usage", message: `unknown option ${name}` };
      options.urls.push(arg);
      continue;
    }
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else return { kind: "usage", message: `${name} needs a value` };
    const problem = setOption(options, option, name, value);
    if (problem !== null) return { kind: "usage", message: problem };
  }
  if (verbosity > 0) {
    const levels = verboseLevels[Math.min(verbosity, verboseLevels.length) - 1];
    options.debug = options.debug === undefined ? levels : `${levels},${options.debug}`;
  }
  if (options.urls.length === 0 && options.inputFile === undefined) {
    return { kind: "usage", message: "no URL given (arguments or -i FILE)" };
  }
  for (const url of options.urls) {
    const problem = checkUrl(url);
    if (problem !== null) return { kind: "usage", message: problem };
  }
  return { kind: "get", options };
}

/** Store one option's value; returns an error message or `null`. */
function setOption(options: CliOptions, option: ValueOption, name: string, value: string): string | null {
  switch (option) {
    case "maxConn":
    case "maxConnPerTarget":
    case "maxPipelinedRequests":
    case "maxRetries":
    case "maxRedirects": {
      const minimum = minimums[option];
      if (!/^\d{1,9}$/.test(value) || Number(value) < minimum) {
        return `${name} needs a whole number of at least ${minimum}, not "${value}"`;
      }
      options[option] = Number(value);
      return null;
    }
    case "header": {
      const colon = value.indexOf(":");
      const field = value.slice(0, colon).trim();
      if (colon === -1 || !TOKEN.test(field)) return `${name} needs "Name: value", not "${value}"`;
      options.headers.push([field, value.slice(colon + 1).trim()]);
      return null;
    }
    case "method":
      if (!TOKEN.test(value)) return `invalid method "${value}"`;
      options.method = value.toUpperCase();
      return null;
    case "clientIp":
      options.clientIps.push(value);
      return null;
    case "debug":
      try {
        parseDebugLevels(value);
      } catch (error) {
        return (error as Error).message;
      }
      options.debug = options.debug === undefined ? value : `${options.debug},${value}`;
      return null;
    case "data":
      options.data = value;
      return null;
    default:
      options[option] = value;
      return null;
  }
}

/**
 * The URLs of an input file: one per line; blank lines and lines starting
 * with `#` are skipped. Returns an error message naming the first bad line.
 *
 * @example
 * ```ts
 * import { parseUrlList } from "./args.ts";
 * parseUrlList("# pages\nhttp://a.test/1\n\nhttp://a.test/2\n"); // { urls: ["http://a.test/1", "http://a.test/2"] }
 * ```
 */
export function parseUrlList(text: string, name = "input"): { urls: string[] } | { message: string } {
  const urls: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const problem = checkUrl(line);
    if (problem !== null) return { message: `${name} line ${i + 1}: ${problem}` };
    urls.push(line);
  }
  return { urls };
}
