/**
 * Persist cookies: log in with one client, save its jar to a file, and
 * resume the session later with a new client that loads the jar.
 * `saveJSON`/`loadJSON` keep every attribute; `saveNetscape`/`loadNetscape`
 * write curl's cookies.txt format instead.
 *
 * Usage: `deno run -A examples/cookies_persist.ts http://127.0.0.1:8080 [file]`
 * (the server's `POST /login` sets a session cookie that `/account` checks).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Client, CookieJar } from "../mod.ts";

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const dir = mkdtempSync(join(tmpdir(), "cookies-"));
const file = process.argv[3] ?? join(dir, "cookies.json");

{
  await using client = new Client(); // cookies are on by default
  const login = await client.request({
    url: new URL("/login", base),
    method: "POST",
    body: new URLSearchParams({ user: "me", password: "secret" }),
  });
  console.log(`login: ${login.status} ${await login.text()}`);
  await client.cookies?.saveJSON(file);
  console.log(`saved ${client.cookies?.all().length} cookie(s) to ${file}`);
}

{
  await using client = new Client({ cookies: await CookieJar.loadJSON(file) });
  const account = await client.request({ url: new URL("/account", base) });
  console.log(`account with the saved jar: ${account.status} ${await account.text()}`);
}

{
  await using client = new Client({ cookies: false });
  const account = await client.request({ url: new URL("/account", base) });
  console.log(`account without cookies: ${account.status} ${await account.text()}`);
}
rmSync(dir, { recursive: true, force: true });
