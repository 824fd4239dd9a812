// End-to-end tests of the factorwatch console in headless Chromium (Debian's `chromium`,
// driven by playwright-core). `scripts/e2e-console` starts a service loaded with a generated
// tenant and runs this file with:
//   FW_BASE        the service's base URL
//   FW_VIEWER, FW_ANALYST, FW_APPROVER, FW_APPROVER2   tokens of those roles
//   FW_SHOTS       folder for the screenshots of each page (1280×800 unless named -narrow)
//   CHROMIUM       the browser (default /usr/bin/chromium)
// Every form field must have a label; sign-in, the queue filters, the status form, the comment
// form and sign-out are driven by the keyboard only (Tab, typing, Enter).
//
// The steps share one signed-in page and run in order; a failed step is reported and the next
// ones still run. The exit status is 1 when any step failed.

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
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 390, height: 844 };

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
        const label = byFor || el.closest("label");
        const named = (label && label.textContent.trim()) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unlabelled, [], `unlabelled fields on ${page.url()}`);
}

/** Text that is too faint for its background (WCAG AA: 4.5:1; 3:1 for bold text from 18.66 px). */
async function assertContrast(page) {
  const faint = await page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    const seen = new Set();
    for (const el of document.querySelectorAll("body *")) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden") continue;
      const fg = parse(style.color).slice(0, 3);
      const bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const large = parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700;
      const key = `${el.tagName}.${el.className}`;
      if (ratio < (large ? 3 : 4.5) && !seen.has(key)) {
        seen.add(key);
        out.push(`${key} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
      }
    }
    return out;
  });
  assert.deepEqual(faint, [], `low-contrast text on ${page.url()}`);
}

/** The page does not scroll sideways (wide tables scroll inside their own box). */
async function assertNoSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${page.url()} scrolls sideways by ${overflow} px at ${page.viewportSize().width} px`);
}

/** Moves keyboard focus to the element matching `selector` by pressing Tab (at most 80 times). */
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i++) {
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

/** Opens the queue's top incident by clicking it; returns its id. */
async function openTopIncident(page) {
  await page.goto(`${base}/console`);
  const id = await page.locator("table.queue tbody tr.row").first().getAttribute("data-id");
  await page.locator("table.queue tbody tr.row a").first().click();
  await page.waitForURL(/\/console\/incidents\/inc_/);
  return id;
}

const started = Date.now();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});

try {
  const context = await browser.newContext({ viewport: WIDE, colorScheme: "light" });
  const page = await context.newPage();
  // Script errors, and anything the pages ask for that is not there (an asset, the favicon).
  const scriptErrors = [];
  page.on("pageerror", (e) => scriptErrors.push(String(e)));
  page.on("response", (r) => r.status() === 404 && scriptErrors.push(`404 ${r.url()}`));

  await test("a wrong token is refused with a reason, on the sign-in page", async () => {
    await page.goto(`${base}/console/login`);
    await assertLabelled(page);
    await tabTo(page, "#token");
    await page.keyboard.type("fwt_not_a_token");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".notice");
    assert.match(await page.textContent(".notice"), /not known/);
    assert.ok(await page.locator("#token").isVisible(), "the form is there to try again");
    await assertContrast(page);
    await shot(page, "sign-in");
  });

  await test("signing in by keyboard sets an HttpOnly, SameSite=Strict session cookie", async () => {
    await signIn(page, tokens.analyst);
    const session = (await context.cookies()).find((c) => c.name === "fw_session");
    assert.ok(session, "a session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie.includes("fw_session")), false, "scripts cannot read it");
    assert.match(await page.textContent(".who"), /alice · analyst/);
  });

  let total = 0;
  await test("the queue lists incidents by risk, labelled and readable", async () => {
    await page.goto(`${base}/console`);
    await assertLabelled(page);
    const risks = await page.$$eval("table.queue tbody tr.row td.num", (cells) => cells.map((c) => Number(c.textContent)));
    total = risks.length;
    assert.ok(risks.length >= 5, `${risks.length} incidents`);
    assert.deepEqual(risks, [...risks].sort((a, b) => b - a), "highest risk first");
    assert.match(await page.textContent("table.queue caption"), new RegExp(`^${risks.length} incidents`));
    await assertContrast(page);
    await assertNoSidewaysScroll(page);
    await shot(page, "queue");
  });

  await test("the queue filters by severity with the keyboard only", async () => {
    await page.goto(`${base}/console`);
    await tabTo(page, "#f-severity");
    await page.keyboard.type("critical");
    await tabTo(page, "form.filters button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForURL(/severity=critical/);
    const severities = await page.$$eval("table.queue tbody tr.row .sev", (cells) => cells.map((c) => c.textContent.trim()));
    assert.ok(severities.length >= 1 && severities.length < total, `${severities.length} critical of ${total}`);
    assert.ok(severities.every((s) => s === "critical"), severities.join(","));
    assert.equal(await page.locator("#f-severity").inputValue(), "critical", "the filter shows what it filters by");
  });

  await test("/ jumps to the identity filter; typing and Enter filter by identity", async () => {
    await page.goto(`${base}/console`);
    const name = (await page.locator("table.queue tbody tr.row a").first().textContent()).trim();
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "f-identity");
    await page.keyboard.type(name);
    await page.keyboard.press("Enter");
    await page.waitForURL(/identity=/);
    const names = await page.$$eval("table.queue tbody tr.row a", (links) => links.map((a) => a.textContent.trim()));
    assert.ok(names.length >= 1 && names.every((n) => n === name), `${names.join(",")} for ${name}`);
    await page.goto(`${base}/console?severity=critical&provider=github`);
    assert.match(await page.textContent("table.queue tbody"), /No incident matches/);
  });

  await test("j and Enter open the top incident: evidence, factors, blast radius, plan", async () => {
    await page.goto(`${base}/console`);
    const top = await page.locator("table.queue tbody tr.row").first().getAttribute("data-id");
    await page.locator("body").press("j");
    assert.ok(await page.locator("table.queue tbody tr.row").first().evaluate((r) => r.classList.contains("selected")));
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/console/incidents/${top}$`));
    for (const heading of ["Timeline of the evidence", "Factors before and after", "Sign-in locations", "Blast radius", "Framework mappings", "Remediation plan", "Status, assignee and comments"]) {
      assert.ok(await page.getByRole("heading", { name: heading }).isVisible(), `section ${heading}`);
    }
    await assertLabelled(page);
    await assertContrast(page);
    await assertNoSidewaysScroll(page);
    const events = await page.locator("details.event summary").allTextContents();
    assert.ok(events.length >= 1, "the evidence is listed");
    assert.equal(new Set(events).size, events.length, "each event once");
    assert.ok(await page.locator(".blast svg[role=img]").isVisible(), "the blast radius is drawn");
    assert.ok((await page.locator("ol.plan li").count()) >= 1, "a remediation plan");
    await shot(page, "incident");

    const first = page.locator("details.event summary").first();
    await first.focus();
    await page.keyboard.press("Enter");
    assert.match(await page.locator("details.event pre.json").first().textContent(), /"provider"/);
    // Beside the normalized event, the provider's own record as it was posted, pretty-printed.
    const record = page.locator("details.event .raw-record").first();
    assert.ok(await record.getByRole("heading", { name: "Provider record" }).isVisible(), "the raw record's heading");
    const raw = JSON.parse(await record.locator("pre.json").textContent());
    assert.ok(raw && typeof raw === "object" && Object.keys(raw).length > 1, "the record is the provider's JSON");
    await page.locator("details.event").first().scrollIntoViewIfNeeded();
    await shot(page, "incident-evidence");
  });

  let acknowledged;
  await test("an analyst acknowledges an incident with a comment, by keyboard", async () => {
    acknowledged = await openTopIncident(page);
    await tabTo(page, "#status");
    await page.keyboard.type("acknowledged");
    await tabTo(page, "#status-comment");
    await page.keyboard.type("Checking the factor bound from the new network");
    await tabTo(page, "form[action$='/status'] button");
    // The form redirects back to the same address: wait for the new page's load event.
    const reloaded = page.waitForEvent("load");
    await page.keyboard.press("Enter");
    await reloaded;
    assert.match(await page.locator("dl.facts .status").first().textContent(), /acknowledged/);
    assert.match(await page.locator("ul.comments").textContent(), /Checking the factor bound from the new network/);
    assert.equal(await page.locator("#status").inputValue(), "acknowledged");
    await page.locator("details.audit summary").click();
    assert.match(await page.locator("details.audit").textContent(), /alice\s*incident\.status/);

    await page.goto(`${base}/console?status=acknowledged`);
    const rows = await page.$$eval("table.queue tbody tr.row", (r) => r.map((x) => x.dataset.id));
    assert.deepEqual(rows, [acknowledged]);
  });

  await test("an analyst comments by keyboard", async () => {
    await page.goto(`${base}/console/incidents/${acknowledged}`);
    await tabTo(page, "#comment");
    await page.keyboard.type("Asked the user about the trip to Lagos");
    await tabTo(page, "form[action$='/comments'] button");
    await page.keyboard.press("Enter");
    await page.waitForURL(/#h-triage$/);
    const comments = await page.locator("ul.comments li").allTextContents();
    assert.equal(comments.length, 2, comments.join(" | "));
    assert.match(comments[1], /alice[\s\S]*Asked the user about the trip to Lagos/);
  });

  await test("an analyst runs remediation steps from the incident page under the API's rules", async () => {
    const id = await openTopIncident(page);
    const steps = page.locator("ol.plan > li");
    assert.ok((await steps.count()) >= 2, "the top incident has a plan of at least two steps");
    await assertLabelled(page);
    // Done at the provider by hand: recorded, and the step says so.
    await steps.nth(0).locator("select").selectOption("by_hand");
    await steps.nth(0).getByRole("button", { name: "Run" }).click();
    await page.waitForURL(new RegExp(`/console/incidents/${id}#h-plan$`));
    assert.match(await steps.nth(0).locator(".step-state").textContent(), /state: done/);
    // Executing a change goes through the same path as the API: here no connector is set up,
    // so it is refused with the API's reason and nothing is recorded as done.
    await steps.nth(1).locator("select").selectOption("execute");
    await steps.nth(1).getByRole("button", { name: "Run" }).click();
    await page.waitForSelector("h1:has-text('not run')");
    assert.match(await page.textContent("main"), /no connector is configured/);
    await page.goto(`${base}/console/incidents/${id}`);
    assert.match(await steps.nth(1).locator(".step-state").textContent(), /state: not started/);
    // The incident's audit trail (the API's) names the step done by hand, under the analyst.
    const audit = await fetch(`${base}/v1/incidents/${id}/audit`, { headers: { Authorization: `Bearer ${tokens.viewer}` } });
    assert.equal(audit.status, 200);
    const done = (await audit.json()).items.find((e) => e.action === "remediation.done");
    assert.ok(done, "the audit trail records the step done by hand");
    assert.equal(done.actor, "alice");
  });

  await test("a form without the session's CSRF token is refused", async () => {
    const answer = await page.evaluate(async (id) => {
      const r = await fetch(`/console/incidents/${id}/status`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "status=resolved&_csrf=forged",
      });
      return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
    }, acknowledged);
    assert.equal(answer.status, 403);
    assert.match(answer.type, /text\/html/);
    assert.match(answer.text, /security token/);
    await page.goto(`${base}/console/incidents/${acknowledged}`);
    assert.match(await page.locator("dl.facts .status").first().textContent(), /acknowledged/, "nothing changed");
  });

  await test("the queue updates itself: a change made elsewhere shows after 15 s", async () => {
    const live = await context.newPage();
    try {
      await live.clock.install();
      await live.goto(`${base}/console`);
      const second = live.locator("table.queue tbody tr.row").nth(1);
      const id = await second.getAttribute("data-id");
      assert.match(await second.locator(".status").textContent(), /open/);
      const r = await fetch(`${base}/v1/incidents/${id}/status`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.analyst}`, "content-type": "application/json" },
        body: JSON.stringify({ status: "resolved", comment: "closed through the API" }),
      });
      assert.equal(r.status, 200, await r.text());
      await live.clock.fastForward(15_000);
      await live.locator(`tr.row[data-id="${id}"] .status`, { hasText: "resolved" }).waitFor({ timeout: 5000 });
      assert.match(await live.textContent("#live"), /updated/);
    } finally {
      await live.close();
    }
  });

  await test("the identity page: factors, baseline, blast radius, incidents, history", async () => {
    await openTopIncident(page);
    await page.locator("dl.facts a").first().click();
    await page.waitForURL(/\/console\/identities\//);
    for (const heading of ["Factors", "Recovery methods and changes", "Sign-in baseline", "Blast radius", "Incidents", "History"]) {
      assert.ok(await page.getByRole("heading", { name: heading, exact: true }).isVisible(), `section ${heading}`);
    }
    assert.ok((await page.locator("table.incidents tbody tr").count()) >= 1, "its incidents are listed");
    await assertLabelled(page);
    await assertContrast(page);
    await assertNoSidewaysScroll(page);
    await shot(page, "identity");
  });

  await test("the coverage page: blind spots, sources, events by category", async () => {
    await page.goto(`${base}/console/coverage`);
    for (const heading of ["Blind spots", "Sources", "Events by provider and category"]) {
      assert.ok(await page.getByRole("heading", { name: heading }).isVisible(), `section ${heading}`);
    }
    assert.match(await page.textContent("main"), /silent/, "the generated tenant's silent source is named");
    assert.equal(await page.locator("nav a[aria-current=page]").textContent(), "Coverage");
    await assertLabelled(page);
    await assertContrast(page);
    await assertNoSidewaysScroll(page);
    await shot(page, "coverage");
  });

  await test("pages read in dark mode", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    try {
      await page.goto(`${base}/console`);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(bg, "rgb(255, 255, 255)", "dark background");
      await assertContrast(page);
      await shot(page, "queue-dark");
      await openTopIncident(page);
      await assertContrast(page);
      await shot(page, "incident-dark");
    } finally {
      await page.emulateMedia({ colorScheme: "light" });
    }
  });

  await test("pages reflow on a narrow screen without sideways scrolling", async () => {
    await page.setViewportSize(NARROW);
    try {
      await page.goto(`${base}/console`);
      await assertNoSidewaysScroll(page);
      await shot(page, "queue-narrow");
      await openTopIncident(page);
      await assertNoSidewaysScroll(page);
      await shot(page, "incident-narrow");
      await page.locator("dl.facts a").first().click();
      await page.waitForURL(/\/console\/identities\//);
      await assertNoSidewaysScroll(page);
      await page.goto(`${base}/console/coverage`);
      await assertNoSidewaysScroll(page);
    } finally {
      await page.setViewportSize(WIDE);
    }
  });

  await test("a viewer reads but cannot change status", async () => {
    const viewerContext = await browser.newContext({ viewport: WIDE });
    try {
      const viewer = await viewerContext.newPage();
      await signIn(viewer, tokens.viewer);
      await viewer.locator("table.queue tbody tr.row a").first().click();
      await viewer.waitForURL(/\/console\/incidents\//);
      assert.equal(await viewer.locator("#status").count(), 0);
      assert.equal(await viewer.locator("#comment").count(), 0);
      assert.match(await viewer.textContent("main"), /Viewers read/);
    } finally {
      await viewerContext.close();
    }
  });

  // Approvals: one approver asks, the same approver is refused (four eyes), another approves.
  const bobContext = await browser.newContext({ viewport: WIDE, colorScheme: "light" });
  const carolContext = await browser.newContext({ viewport: WIDE, colorScheme: "light" });
  try {
    const bob = await bobContext.newPage();
    const carol = await carolContext.newPage();
    bob.on("pageerror", (e) => scriptErrors.push(String(e)));
    carol.on("pageerror", (e) => scriptErrors.push(String(e)));
    let approvalId;

    await test("an approver asks about a tier 0 enrollment by keyboard and it waits for approval", async () => {
      // A tier 0 identity of the loaded tenant, from the API.
      const listed = await fetch(`${base}/v1/identities?limit=500`, { headers: { Authorization: `Bearer ${tokens.viewer}` } });
      const admin = (await listed.json()).items.find((i) => i.tier === 0 && i.key.provider === "okta");
      assert.ok(admin, "the generated tenant has a tier 0 Okta identity");
      await signIn(bob, tokens.approver);
      await tabTo(bob, 'nav a[href="/console/approvals"]');
      await bob.keyboard.press("Enter");
      await bob.waitForURL(`${base}/console/approvals`);
      await assertLabelled(bob);
      await tabTo(bob, "#r-tenant");
      await bob.keyboard.type(admin.key.tenant);
      await tabTo(bob, "#r-identity");
      await bob.keyboard.type(admin.key.id);
      await tabTo(bob, "#r-kind");
      await bob.keyboard.type("OKTA_VERIFY_PUSH");
      await tabTo(bob, 'form[action="/console/approvals/request"] button[type="submit"]');
      await bob.keyboard.press("Enter");
      // The answer is a page at the form's address: wait for it, not for the old one.
      await bob.waitForURL(`${base}/console/approvals/request`);
      const notice = await bob.textContent("p.notice");
      assert.match(notice, /require_approval/, notice);
      approvalId = notice.match(/Approval (apr_[0-9a-f]+)/)[1];
      const card = bob.locator(`article#${approvalId}`);
      assert.equal(await card.count(), 1, "the request is listed as pending");
      assert.match(await card.textContent(), /Asked by\s*bob/);
      assert.match(await card.textContent(), /another approver must decide/, "the four-eyes rule is shown");
      await assertContrast(bob);
      await assertNoSidewaysScroll(bob);
      await shot(bob, "approvals");
    });

    await test("approving one's own request is refused by the four-eyes rule", async () => {
      await tabTo(bob, `#j-${approvalId}`);
      await bob.keyboard.type("it is urgent");
      await tabTo(bob, `article#${approvalId} button[value="approve"]`);
      await bob.keyboard.press("Enter");
      await bob.waitForURL(`${base}/console/approvals/${approvalId}`);
      const notice = await bob.textContent("p.notice");
      assert.match(notice, /bob.*asked for the change and cannot review it \(four eyes\)/, notice);
      assert.equal(await bob.locator(`article#${approvalId}`).count(), 1, "still pending");
    });

    await test("another approver approves it by keyboard with a justification", async () => {
      await signIn(carol, tokens.approver2);
      await carol.goto(`${base}/console/approvals`);
      await tabTo(carol, `#j-${approvalId}`);
      await carol.keyboard.type("confirmed with the admin by phone");
      await tabTo(carol, `article#${approvalId} button[value="approve"]`);
      await carol.keyboard.press("Enter");
      await carol.waitForURL(`${base}/console/approvals/${approvalId}`);
      assert.match(await carol.textContent("p.notice"), new RegExp(`${approvalId} approved`));
      assert.equal(await carol.locator(`article#${approvalId}`).count(), 0, "no longer pending");
      const decided = await carol.textContent("#h-decided + .scroll");
      assert.match(decided, /carol/);
      assert.match(decided, /confirmed with the admin by phone/);
      const audit = await fetch(`${base}/v1/approvals/${approvalId}`, { headers: { Authorization: `Bearer ${tokens.viewer}` } });
      const stored = await audit.json();
      assert.equal(stored.state, "approved");
      assert.equal(stored.reviewer.id, "carol");
    });
  } finally {
    await bobContext.close();
    await carolContext.close();
  }

  await test("an approver sees what awaits revalidation with people's names; a viewer may not", async () => {
    const opened = await fetch(`${base}/v1/revalidation/campaigns`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.approver}` },
    });
    const answer = await opened.text();
    assert.equal(opened.status, 201, answer);
    const campaign = JSON.parse(answer);
    const waiting = campaign.items.filter((i) => i.state === "open");
    const approverContext = await browser.newContext({ viewport: WIDE, colorScheme: "light" });
    const viewerContext = await browser.newContext({ viewport: WIDE, colorScheme: "light" });
    try {
      const bob = await approverContext.newPage();
      await signIn(bob, tokens.approver);
      await bob.goto(`${base}/console/approvals`);
      await bob.getByRole("link", { name: /Revalidation/ }).click();
      await bob.waitForURL(`${base}/console/revalidation`);
      assert.match(await bob.textContent("h2#h-open"), new RegExp(`Waiting \\(${waiting.length}\\)`));
      const rows = bob.locator("table.revalidation tbody tr");
      assert.equal(await rows.count(), waiting.length);
      assert.ok(waiting.length > 0, "the generated tenant has privileged factors to revalidate");
      const first = await rows.first().textContent();
      const item = waiting.find((i) => first.includes(i.key.identity));
      assert.ok(item, `the first row names an identity of the campaign: ${first}`);
      assert.ok(first.includes(item.factor.kind), "the row names the factor");
      assert.match(first, /@acme\.com/, "the row names the person by login, not only by id");
      await assertContrast(bob);
      await assertNoSidewaysScroll(bob);
      await shot(bob, "revalidation");
      const viewer = await viewerContext.newPage();
      await signIn(viewer, tokens.viewer);
      const refused = await viewer.goto(`${base}/console/revalidation`);
      assert.equal(refused.status(), 403);
    } finally {
      await approverContext.close();
      await viewerContext.close();
    }
  });

  await test("signing out by keyboard ends the session on the server", async () => {
    await page.goto(`${base}/console`);
    const before = (await context.cookies()).find((c) => c.name === "fw_session");
    await tabTo(page, "form.signout button");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/login$/);
    assert.equal((await context.cookies()).find((c) => c.name === "fw_session"), undefined, "the cookie is cleared");
    await context.addCookies([before]);
    await page.goto(`${base}/console`);
    assert.match(page.url(), /\/console\/login$/, "the old session id no longer signs in");
  });

  await test("no script errors and nothing missing on any page", async () => {
    assert.deepEqual(scriptErrors, []);
  });
} finally {
  await browser.close();
}

const failed = results.filter((r) => !r.ok).length;
console.log(
  `console e2e: ${results.length} steps, ${results.length - failed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`,
);
process.exit(failed ? 1 : 0);
