#!/usr/bin/env node
/**
 * The command-line client: fetch one URL like curl, or many concurrently
 * into a directory, with a progress line, a summary and exit codes.
 *
 * Usage: `deno task cli get URL... [options]` (`deno run -A scripts/cli.ts`,
 * `bun run scripts/cli.ts`, or the npm package's bin on Node); `--help`
 * lists the options. The logic lives in `lib/cli/`.
 * @module
 */
import { runCli } from "../lib/cli/main.ts";
import { commandArgs, exitProcess } from "../lib/runtime/process.ts";

exitProcess(await runCli(commandArgs()));
