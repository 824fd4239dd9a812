// End-to-end tests of the console's sign-in through an OpenID provider, in headless
// Chromium: `scripts/e2e-console` starts a real provider (e2e/oidc-provider.mjs, the
// certified `oidc-provider` package) and a service whose `[server.oidc]` points at it, mapping
// the group `secops-analysts` to the analyst role. Environment:
//   FW_BASE    the service's base URL
//   FW_SHOTS   folder for the screenshots
//   CHROMIUM   the browser (default /usr/bin/chromium)
// dana (groups: secops-analysts) must get in as an analyst; erin (groups: marketing) must be
// refused with a page that says why, and hold no session afterwards.

import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.FW_BASE;
if (!base) throw new Error("set FW_BASE");
const shots = process.env.FW_SHOTS || "e2e/screenshots";
mkdirSync(shots, { recursive: true });

const results = [];
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n${e.stack || e}`);
  }
}

/**
 * From the console's sign-in page through the provider's own login and consent pages, as
 * `login`; resolves with the response the console gave the provider's redirect back.
 */
async function signInThroughProvider(page, login) {
  await page.goto(`${base}/console`);
  assert.match(page.url(), /\/console\/login$/, "an anonymous visit goes to the sign-in page");
  const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/console/oidc/callback`));
  await page.getByRole("link", { name: /Sign in with/ }).click();
  await page.waitForSelector('input[name="login"]');
  assert.ok(!page.url().startsWith(base), "the browser is at the provider");
  const authorize = new URL(page.url());
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', "any password: the provider's development login");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // The provider asks for consent the first time.
  await page.getByRole("button", { name: "Continue" }).click();
  return { response: await callback, authorize };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});

try {
  await test("a user whose groups map to a role signs in through the provider and sees the queue", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const authorizeUrl = [];
      page.on("request", (r) => r.url().includes("/auth?") && authorizeUrl.push(new URL(r.url())));
      const { response } = await signInThroughProvider(page, "dana");
      assert.equal(response.status(), 200);
      await page.waitForURL(`${base}/console`);
      assert.match(await page.textContent(".who"), /dana · analyst/);
      assert.ok((await page.locator("table.queue tbody tr.row").count()) > 0, "the queue lists incidents");
      const session = (await context.cookies()).find((c) => c.name === "fw_session");
      assert.ok(session, "a session cookie is set");
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, "Strict");
      // What the console asked the provider for: the code flow with PKCE S256, state and nonce.
      const asked = authorizeUrl[0].searchParams;
      assert.equal(asked.get("response_type"), "code");
      assert.equal(asked.get("code_challenge_method"), "S256");
      assert.match(asked.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);
      assert.match(asked.get("state"), /^[A-Za-z0-9_-]{43}$/);
      assert.match(asked.get("nonce"), /^[A-Za-z0-9_-]{43}$/);
      await page.screenshot({ path: join(shots, "oidc-signed-in.png") });

      // The same callback again (its state cookie put back) is refused: a state is used once.
      const replay = response.url();
      await context.addCookies([
        { name: "fw_oidc_state", value: new URL(replay).searchParams.get("state"), url: `${base}/console/oidc` },
      ]);
      const again = await page.goto(replay);
      assert.equal(again.status(), 401);
      assert.match(await page.textContent("main"), /already used|not started here/);
    } finally {
      await context.close();
    }
  });

  await test("a user whose groups map to no role is refused with a reason and not signed in", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const { response } = await signInThroughProvider(page, "erin");
      assert.equal(response.status(), 403);
      assert.equal(await page.textContent("h1"), "Not signed in");
      const text = await page.textContent("main");
      assert.match(text, /erin/);
      assert.match(text, /none of their groups gives a console role/);
      assert.match(text, /marketing/);
      await page.screenshot({ path: join(shots, "oidc-refused.png") });
      assert.equal((await context.cookies()).find((c) => c.name === "fw_session"), undefined, "no session cookie");
      await page.goto(`${base}/console`);
      assert.match(page.url(), /\/console\/login$/, "the queue still asks to sign in");
    } finally {
      await context.close();
    }
  });

  await test("a callback this browser did not start is refused", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(`${base}/console/oidc/callback?code=stolen&state=guessed`);
      assert.equal(response.status(), 400);
      assert.match(await page.textContent("main"), /not started in this browser/);
      assert.equal((await context.cookies()).find((c) => c.name === "fw_session"), undefined);
    } finally {
      await context.close();
    }
  });
} finally {
  await browser.close();
}

const failed = results.filter((r) => !r.ok).length;
console.log(`oidc e2e: ${results.length} steps, ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
