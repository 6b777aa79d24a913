// Renders Mermaid diagrams in headless Chromium with the pinned mermaid, default configuration,
// on a UTF-8 page: what a reviewer's forge shows. All diagrams of a job share one browser session.
//
//   node render.mjs JOB.json RESULT.json
//
// JOB:    {"diagrams": [{"name": "...", "source": "flowchart LR ..."}], "png": "out.png" | null,
//          "png_names": ["..."] | null, "chromium": "/usr/bin/chromium"}
// RESULT: {"mermaid": "11.x", "browser": "...", "diagrams": [{"name", "error", "svg_chars",
//          "error_svg", "nodes": {id: text}, "clusters": {id: text}, "edge_labels": [text]}]}
// With "png", the diagrams that rendered (those named in "png_names", or all) are laid out on one
// page, each titled by its name, and the page is saved as a PNG screenshot.

import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [jobPath, resultPath] = process.argv.slice(2);
if (!jobPath || !resultPath) {
  console.error("usage: node render.mjs JOB.json RESULT.json");
  process.exit(2);
}
const job = JSON.parse(readFileSync(jobPath, "utf-8"));
const mermaidJs = join(here, "node_modules", "mermaid", "dist", "mermaid.min.js");
const mermaidVersion = JSON.parse(readFileSync(join(here, "node_modules", "mermaid", "package.json"), "utf-8")).version;

// A fresh profile each run (launchPersistentContext passes it as --user-data-dir). The closed
// network has nothing to reach: no background traffic, no QUIC, no component updates.
const profile = mkdtempSync(join(tmpdir(), "sovcloud-chromium-"));
const work = mkdtempSync(join(tmpdir(), "sovcloud-page-"));
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const page_html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>diagrams</title>
<style>
  body { font-family: sans-serif; background: #ffffff; margin: 16px; }
  section { margin: 0 0 24px 0; }
  h2 { font-size: 15px; color: #333333; margin: 0 0 6px 0; }
</style>
<script src="${pathToFileURL(mermaidJs)}"></script>
</head><body></body></html>`;

const pagePath = join(work, "page.html");
writeFileSync(pagePath, page_html, "utf-8");

let browser;
try {
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: job.chromium || "/usr/bin/chromium",
    headless: true,
    args,
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const consoleErrors = [];
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.goto(pathToFileURL(pagePath).href);
  const diagrams = await page.evaluate(async (diagrams) => {
    // Default configuration: only stop mermaid from scanning the page by itself.
    window.mermaid.initialize({ startOnLoad: false });
    // What a reader sees: an HTML label's rendered text (line breaks as "\n"), or an SVG text's lines.
    const text = (element) => {
      if (!element) return "";
      if (element instanceof HTMLElement) return element.innerText.replace(/\r/g, "");
      const html = element.querySelector("foreignObject div, foreignObject span");
      if (html) return html.innerText.replace(/\r/g, "");
      const lines = [...element.querySelectorAll("text")].map((t) => {
        const rows = [...t.querySelectorAll("tspan.text-outer-tspan")];
        return rows.length ? rows.map((r) => r.textContent).join("\n") : t.textContent;
      });
      return lines.join("\n");
    };
    // Node ids are rendered as "<svg id>-flowchart-<id>-<counter>"; clusters keep their id.
    const nodeId = (svgId, raw) => raw.replace(new RegExp(`^${svgId}-flowchart-`), "").replace(/-\d+$/, "");
    const results = [];
    for (const [index, diagram] of diagrams.entries()) {
      const section = document.createElement("section");
      const title = document.createElement("h2");
      title.textContent = diagram.name;
      const holder = document.createElement("div");
      section.append(title, holder);
      document.body.append(section);
      const result = { name: diagram.name, error: null, svg_chars: 0, error_svg: false, nodes: {}, clusters: {}, edge_labels: [] };
      try {
        const { svg } = await window.mermaid.render(`diagram${index}`, diagram.source);
        holder.innerHTML = svg;
        result.svg_chars = svg.length;
        const root = holder.querySelector("svg");
        const role = root ? root.getAttribute("aria-roledescription") || "" : "";
        result.error_svg = role === "error" || /Syntax error in text|Maximum text size in diagram exceeded/.test(holder.innerText);
        for (const node of holder.querySelectorAll("g.node")) {
          const id = node.getAttribute("data-id") || nodeId(`diagram${index}`, node.id);
          result.nodes[id] = text(node.querySelector(".label") || node);
        }
        for (const cluster of holder.querySelectorAll("g.cluster")) {
          const id = cluster.getAttribute("data-id") || cluster.id.replace(`diagram${index}-`, "");
          result.clusters[id] = text(cluster.querySelector(".cluster-label") || cluster);
        }
        for (const label of holder.querySelectorAll("g.edgeLabel")) {
          const value = text(label);
          if (value) result.edge_labels.push(value);
        }
      } catch (error) {
        result.error = String(error && error.message ? error.message : error);
        section.remove();
        // a failed render leaves its scratch element behind; it is no part of the picture
        document.getElementById(`ddiagram${index}`)?.remove();
      }
      results.push(result);
    }
    return results;
  }, job.diagrams);
  if (job.png) {
    if (job.png_names) {
      await page.evaluate((names) => {
        for (const section of document.querySelectorAll("section")) {
          if (!names.includes(section.querySelector("h2").textContent)) section.remove();
        }
      }, job.png_names);
    }
    await page.screenshot({ path: job.png, fullPage: true });
  }
  const output = { mermaid: mermaidVersion, browser: await page.evaluate(() => navigator.userAgent), page_errors: consoleErrors, diagrams };
  writeFileSync(resultPath, JSON.stringify(output, null, 1), "utf-8");
} finally {
  if (browser) await browser.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
