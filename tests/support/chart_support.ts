/**
 * What the chart tests share: a fresh linkedom document and the checks every rendered chart must pass.
 * Test support of the `lib/report/charts/` tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";

/** A hostile series name: it must come out as text, never as an element. */
export const HOSTILE = `<img src=x onerror=alert(1)>"'&`;

/** A fresh, empty linkedom document. */
export function newDocument(): Document {
  return parseHTML("<!doctype html><html><head></head><body></body></html>").document;
}

/**
 * Asserts what every chart element must be: a figure whose svgs all carry the SVG xmlns; no `<script>`, no
 * `<img>`, no URL other than the SVG namespace, no `NaN` anywhere; then returns its serialised HTML.
 */
export function assertSafe(el: Element): string {
  assert.equal(el.tagName.toLowerCase(), "figure");
  const html = el.outerHTML;
  for (const svg of el.querySelectorAll("svg")) {
    assert.equal(svg.getAttribute("xmlns"), "http://www.w3.org/2000/svg");
  }
  assert.equal(el.querySelector("script"), null);
  assert.equal(el.querySelector("img"), null);
  assert.ok(!/<script/i.test(html), "no <script in the markup");
  assert.ok(!/<img/i.test(html), "no <img in the markup");
  const urls = html.replaceAll("http://www.w3.org/2000/svg", "").match(
    /https?:\/\/|url\(|xlink:href|href=/gi,
  );
  assert.equal(urls, null, `no external references, found ${urls}`);
  assert.ok(
    !html.includes("NaN"),
    `no NaN in the markup: …${html.slice(html.indexOf("NaN") - 80, html.indexOf("NaN") + 20)}…`,
  );
  assert.ok(!html.includes("undefined"), "no undefined in the markup");
  assert.ok(!html.includes("Infinity"), "no Infinity in the markup");
  return html;
}

/** The texts of the elements matching `selector` under `el`. */
export function texts(el: Element, selector: string): string[] {
  return [...el.querySelectorAll(selector)].map((t) => t.textContent ?? "");
}
