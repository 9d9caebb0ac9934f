/**
 * The CLI's help text.
 *
 * @module
 */

/**
 * What `--help` prints, and what a usage error points to.
 *
 * @example
 * ```ts
 * import { usageText } from "./usage.ts";
 * console.log(usageText);
 * ```
 */
export const usageText = `Usage: cli get URL... [options]

Fetch one URL like curl (the body goes to stdout), or many URLs concurrently
(given as arguments or one per line in -i FILE) with bodies written to -o DIR.

Options:
  -o, --output DIR              write each body to a file in DIR (name derived from the URL)
  -i, --input FILE              read URLs from FILE, one per line (blank lines and # comments skipped)
  -H, --header 'Name: value'    add a request header (repeatable)
  -X, --request METHOD          request method (default GET, or POST with -d)
  -d, --data DATA               request body
      --max-conn N              open connections in total (default 50)
      --max-conn-per-target N   open connections per target (default 20)
      --pipeline N              requests pipelined on one connection, 0 = off (default 10)
      --client-ip IP            bind connections to this local address (repeatable: round-robin)
      --cookie-jar FILE         load cookies from FILE (Netscape format) if it exists, save them at the end
      --cache DIR               HTTP cache in DIR (RFC 9111), kept across runs
      --retries N               retries of a failed idempotent request (default 2)
      --max-redirects N         redirect hops to follow (default 20)
  -v                            debug output: protocol (request and response heads)
  -vv                           debug output: protocol, stream (raw bytes) and pool (scheduling)
      --debug LEVELS            debug levels, comma-separated: pool, protocol, stream, cookies,
                                cache, redirect, retry, errors, or all
      --insecure                do not verify TLS certificates
      --cacert FILE             trust the CA certificates in FILE (PEM) as well
      --json                    print a machine-readable summary on stdout
  -h, --help                    show this help

Without -o, one URL's body goes to stdout; the bodies of several URLs (or of any
URL with --json) are read and counted but not kept. A progress line and a summary
go to stderr when several URLs are fetched or -o is given. A request fails when it
gets no response or a status of 400 or more.

Exit codes: 0 every request succeeded, 1 some failed, 2 usage error.
`;
