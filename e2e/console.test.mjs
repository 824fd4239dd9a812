// End-to-end tests of the factorwatch console in headless Chromium (Debian's `chromium`,
// driven by playwright-core). `scripts/e2e-console` starts a service loaded with a generated
// tenant and runs this file with:
//   FW_BASE        the service's base URL
//   FW_VIEWER, FW_ANALYST, FW_APPROVER, FW_APPROVER2   tokens of those roles
//   FW_SHOTS       folder for the screenshots of each page
//   CHROMIUM       the browser (default /usr/bin/chromium)
// Every form is driven by keyboard only, and every form field must have a label.

import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = need("FW_BASE");
const tokens = {
  viewer: need("FW_VIEWER"),
  analyst: need("FW_ANALYST"),
  approver: need("FW_APPROVER"),
  approver2: need("FW_APPROVER2"),
};
const shots = process.env.FW_SHOTS || "e2e/screenshots";
mkdirSync(shots, { recursive: true });

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

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

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

/** Every visible form field has a label: `<label for>`, a wrapping label, or aria-label. */
async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    Array.from(document.querySelectorAll("input, select, textarea"))
      .filter((el) => el.type !== "hidden")
      .filter((el) => {
        const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
        return !(byFor || el.closest("label") || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unlabelled, [], `unlabelled fields on ${page.url()}`);
}

/** Moves keyboard focus to the element matching `selector` by pressing Tab (at most 60 times). */
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    const here = await page.evaluate((sel) => document.activeElement && document.activeElement.matches(sel), selector);
    if (here) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function signIn(page, token) {
  await page.goto(`${base}/console`);
  assert.match(page.url(), /\/console\/login$/, "an anonymous visit goes to the sign-in page");
  await assertLabelled(page);
  await tabTo(page, "#token");
  await page.keyboard.type(token);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/console`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();

  await test("a wrong token is refused with a reason", async () => {
    await page.goto(`${base}/console/login`);
    await tabTo(page, "#token");
    await page.keyboard.type("fwt_not_a_token");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".notice");
    assert.match(await page.textContent(".notice"), /not known/);
    await shot(page, "sign-in");
  });

  await test("signing in sets an HttpOnly, SameSite=Strict session cookie", async () => {
    await signIn(page, tokens.analyst);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "fw_session");
    assert.ok(session, "a session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie.includes("fw_session")), false, "scripts cannot read it");
  });

  await test("the queue lists incidents by risk and filters by keyboard", async () => {
    await page.goto(`${base}/console`);
    await assertLabelled(page);
    const risks = await page.$$eval("table.queue tbody tr.row td.num", (cells) => cells.map((c) => Number(c.textContent)));
    assert.ok(risks.length >= 5, `${risks.length} incidents`);
    assert.deepEqual(risks, [...risks].sort((a, b) => b - a), "highest risk first");
    await shot(page, "queue");

    await tabTo(page, "#f-severity");
    await page.keyboard.type("critical");
    await tabTo(page, "form.filters button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForURL(/severity=critical/);
    const severities = await page.$$eval("table.queue tbody tr.row .sev", (cells) => cells.map((c) => c.textContent.trim()));
    assert.ok(severities.length >= 1 && severities.length < risks.length, `${severities.length} critical of ${risks.length}`);
    assert.ok(severities.every((s) => s === "critical"), severities.join(","));
  });

  await test("j and Enter open the top incident; its evidence expands to JSON", async () => {
    await page.goto(`${base}/console`);
    await page.locator("body").press("j");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/incidents\/inc_/);
    for (const heading of ["Timeline of the evidence", "Factors before and after", "Sign-in locations", "Blast radius", "Framework mappings", "Remediation plan", "Status and comments"]) {
      assert.ok(await page.getByRole("heading", { name: heading }).isVisible(), `section ${heading}`);
    }
    await assertLabelled(page);
    const first = page.locator("details.event summary").first();
    await first.focus();
    await page.keyboard.press("Enter");
    assert.match(await page.locator("details.event pre.json").first().textContent(), /"provider"/);
    await shot(page, "incident");
  });

  await test("an analyst acknowledges an incident with a comment, by keyboard", async () => {
    await page.goto(`${base}/console`);
    await page.locator("table.queue tbody tr.row a").first().click();
    await page.waitForURL(/\/console\/incidents\//);
    await tabTo(page, "#status");
    await page.keyboard.type("acknowledged");
    await tabTo(page, "#status-comment");
    await page.keyboard.type("Checking the factor bound from the new network");
    await tabTo(page, "form[action$='/status'] button");
    await page.keyboard.press("Enter");
    await page.waitForLoadState();
    assert.match(await page.locator("dl.facts .status").first().textContent(), /acknowledged/);
    assert.match(await page.locator("ul.comments").textContent(), /Checking the factor bound from the new network/);

    await page.goto(`${base}/console?status=acknowledged`);
    assert.equal(await page.locator("table.queue tbody tr.row").count(), 1);
  });

  await test("a form without the session's CSRF token is refused", async () => {
    const id = await page.evaluate(() => document.querySelector("table.queue tbody tr.row")?.dataset.id);
    const answer = await page.evaluate(async (id) => {
      const r = await fetch(`/console/incidents/${id}/status`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "status=resolved&_csrf=forged",
      });
      return r.status;
    }, id);
    assert.equal(answer, 403);
  });

  await test("identity and coverage pages render", async () => {
    await page.goto(`${base}/console`);
    await page.locator("table.queue tbody tr.row a").first().click();
    await page.locator("dl.facts a").first().click();
    await page.waitForURL(/\/console\/identities\//);
    assert.ok(await page.getByRole("heading", { name: "Factors" }).isVisible());
    await shot(page, "identity");
    await page.goto(`${base}/console/coverage`);
    assert.ok(await page.getByRole("heading", { name: "Events by provider and category" }).isVisible());
    await shot(page, "coverage");
  });

  await test("pages read in dark mode and on a narrow screen", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${base}/console`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, "rgb(255, 255, 255)", "dark background");
    await shot(page, "queue-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${base}/console`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling at 390 px (overflow ${overflow})`);
    await shot(page, "queue-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test("a viewer reads but cannot change status", async () => {
    const viewer = await (await browser.newContext()).newPage();
    await signIn(viewer, tokens.viewer);
    await viewer.locator("table.queue tbody tr.row a").first().click();
    assert.equal(await viewer.locator("#status").count(), 0);
    await viewer.context().close();
  });

  await test("signing out ends the session", async () => {
    await page.goto(`${base}/console`);
    await tabTo(page, "form.signout button");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/login$/);
    await page.goto(`${base}/console`);
    assert.match(page.url(), /\/console\/login$/);
  });
} finally {
  await browser.close();
}

const failed = results.filter((r) => !r.ok).length;
console.log(`console e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
