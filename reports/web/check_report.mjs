// Opens a report.html in headless Chromium (Debian's /usr/bin/chromium) and checks it the way
// a reader would see it: no console errors or page errors, every chart the page announced
// rendered as a non-empty SVG, fault bands drawn when the run had faults. Saves a screenshot.
// usage: node check_report.mjs REPORT.html SCREENSHOT.png [--expect-faults] [--expect-text TEXT]... [--expect-chart ID]...
import puppeteer from "puppeteer-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error("usage: node check_report.mjs REPORT.html SCREENSHOT.png [--expect-faults] [--expect-text TEXT]...");
  process.exit(2);
}
const [report, screenshot] = args;
const expectFaults = args.includes("--expect-faults");
const texts = [], wanted = [];
for (let i = 2; i < args.length; i++) {
  if (args[i] === "--expect-text") texts.push(args[++i]);
  if (args[i] === "--expect-chart") wanted.push(args[++i]);
}

const profile = mkdtempSync(join(tmpdir(), "eddy-chromium-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  userDataDir: profile,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const problems = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on("console", (m) => { if (m.type() === "error") problems.push("console error: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("requestfailed", (r) => problems.push("request failed: " + r.url()));
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) problems.push("network request: " + r.url()); });
  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: "load", timeout: 60000 });
  await page.waitForFunction("window.__eddy && window.__eddy.done", { timeout: 60000 });
  const info = await page.evaluate(() => {
    const s = window.__eddy;
    const charts = s.charts.map((id) => {
      const svg = document.querySelector("#" + id + " svg");
      const marks = svg ? svg.querySelectorAll("g.mark-line path, g.mark-rect path, g.mark-symbol path, g.mark-rule line, g.mark-text text").length : 0;
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return { id, svg: !!svg, marks, width: box.width, height: box.height };
    });
    const bands = [...document.querySelectorAll("g.fault_bands_marks path")].length;
    const labels = [...document.querySelectorAll("g.fault_labels_marks text")].map((t) => t.textContent);
    return { charts, errors: s.errors, bands, labels, text: document.body.innerText, chartsAvailable: !!window.vegaEmbed };
  });
  if (!info.chartsAvailable) problems.push("vega-embed is not in the page (built without the chart libraries?)");
  if (info.charts.length === 0) problems.push("the page announced no charts");
  for (const c of info.charts)
    if (!c.svg || c.marks === 0 || c.width < 100 || c.height < 50)
      problems.push(`chart ${c.id} is empty (svg=${c.svg}, marks=${c.marks}, ${c.width}x${c.height})`);
  for (const e of info.errors) problems.push("chart error: " + e);
  if (expectFaults && info.bands === 0) problems.push("no fault bands drawn");
  for (const t of texts) if (!info.text.includes(t)) problems.push("page text lacks: " + t);
  for (const id of wanted) if (!info.charts.some((c) => c.id === id)) problems.push("chart " + id + " was not drawn");
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`charts: ${info.charts.map((c) => c.id + "(" + c.marks + " marks)").join(", ")}`);
  console.log(`fault bands: ${info.bands} [${[...new Set(info.labels)].join(", ")}]; screenshot: ${screenshot}`);
} catch (e) {
  problems.push("exception: " + e.message);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (problems.length) {
  for (const p of problems) console.error("FAIL: " + p);
  process.exit(1);
}
console.log("report ok");
