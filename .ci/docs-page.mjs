// The mock's docs page, driven in headless Chromium as a person would use it:
// every provider's definition lists all its operations and shows an Authorize
// button, and a "Try it out" create with a key succeeds.
//
// usage: node docs-page.mjs http://127.0.0.1:PORT, from a folder where
// puppeteer-core is installed (.ci/run copies it there).
import puppeteer from "puppeteer-core";

const base = process.argv[2];
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless=new"],
});
const failures = [];
try {
  const page = await browser.newPage();
  await page.goto(`${base}/docs/`, { waitUntil: "networkidle0" });
  const names = await page.$$eval("select#select option", (options) =>
    options.map((o) => o.textContent.trim()),
  );
  for (const name of names) {
    await page.select("select#select", await page.$eval(
      "select#select",
      (select, name) => [...select.options].find((o) => o.textContent.trim() === name).value,
      name,
    ));
    await page.waitForSelector(".opblock", { timeout: 10000 });
    const url = await page.$eval("select#select", (s) => s.value);
    const spec = await (await fetch(new URL(url, base))).json();
    const documented = Object.values(spec.paths).flatMap((item) => Object.keys(item)).length;
    const shown = (await page.$$(".opblock")).length;
    const authorize = (await page.$$("button.authorize")).length;
    console.log(`${name}: ${shown} of ${documented} operations shown, Authorize button: ${authorize > 0}`);
    if (shown !== documented) failures.push(`${name}: ${shown} operations shown, ${documented} documented`);
    if (authorize === 0) failures.push(`${name}: no Authorize button`);
  }

  // Try it out: billing.io's create, authorized with a sandbox key.
  const billing = await page.$eval(
    "select#select",
    (select) => [...select.options].find((o) => o.textContent.trim() === "billing.io").value,
  );
  await page.select("select#select", billing);
  await page.waitForSelector(".opblock-post");
  await page.click("button.authorize");
  await page.waitForSelector(".auth-container input");
  await page.type(".auth-container input", "sk_test_browser");
  await page.click(".auth-btn-wrapper button.authorize");
  await page.click(".auth-btn-wrapper button.btn-done");
  await page.click(".opblock-post .opblock-summary");
  await page.waitForSelector(".opblock-post .try-out__btn");
  await page.click(".opblock-post .try-out__btn");
  await page.waitForSelector(".opblock-post textarea.body-param__text");
  await page.$eval(".opblock-post textarea.body-param__text", (area) => {
    // React tracks the value: set it the way typing would.
    const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    set.call(area, JSON.stringify({ url: "https://example.com/hooks", events: ["checkout.completed"] }));
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.click(".opblock-post .execute");
  await page.waitForSelector(".opblock-post .live-responses-table tbody .response-col_status", { timeout: 15000 });
  const status = await page.$eval(
    ".opblock-post .live-responses-table tbody .response-col_status",
    (cell) => cell.textContent.trim(),
  );
  console.log(`billing.io: Try it out create answered ${status}`);
  if (!status.startsWith("201")) failures.push(`Try it out create answered ${status}, not 201`);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("docs page: every operation shown, Authorize works, Try it out succeeds");
