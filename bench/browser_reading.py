#!/usr/bin/env python
"""A reading page in Chromium under 4x CPU throttling: what a reader on a slow machine waits for.

    .venv/bin/python bench/browser_reading.py URL [URL …] [--runs 3] [--throttle 4]

For each URL, ``--warm`` plain requests first (so that every server worker has the page in its
cache), then ``--runs`` loads in a fresh browser context (nothing cached by the browser),
with the CPU slowed down through the DevTools protocol (``Emulation.setCPUThrottlingRate``).
From the browser's own performance API: Largest Contentful Paint, DOMContentLoaded and the
load event (ms from the start of navigation); the document's bytes on the wire and decoded;
every resource's bytes; the number of elements. Prints the median of each as one line
``BENCH {json}`` (bench/run.py reads it). Uses Debian's Chromium (/usr/bin/chromium).
"""

import argparse
import json
import statistics
import urllib.request

from playwright.sync_api import sync_playwright

#: Read after the load event: LCP entries are buffered, so a late observer still sees them.
FIGURES = """
async () => {
  const lcp = await new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entries = list.getEntries();
      resolve(entries[entries.length - 1].startTime);
    }).observe({type: "largest-contentful-paint", buffered: true});
    setTimeout(() => resolve(null), 3000);
  });
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    lcp_ms: lcp,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    load_ms: nav.loadEventEnd,
    document_wire_bytes: nav.transferSize,
    document_bytes: nav.decodedBodySize,
    all_wire_bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    elements: document.getElementsByTagName("*").length,
  };
}
"""


def measure(browser, url, throttle):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(url, wait_until="load", timeout=120_000)
        return page.evaluate(FIGURES)
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--throttle", type=float, default=4)
    parser.add_argument("--warm", type=int, default=8, help="plain requests first, per URL")
    options = parser.parse_args()
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            for url in options.urls:
                # Fill the server's caches: the page cache is per worker with locmem, so ask
                # often enough for every worker to have it (a miss is sent uncompressed).
                for _ in range(options.warm):
                    with urllib.request.urlopen(url, timeout=60) as response:
                        response.read()
                runs = [measure(browser, url, options.throttle) for _ in range(options.runs)]
                results[url] = {
                    name: statistics.median(run[name] for run in runs)
                    if all(run[name] is not None for run in runs)
                    else None
                    for name in runs[0]
                } | {"runs": options.runs, "throttle": options.throttle}
        finally:
            browser.close()
    print("BENCH " + json.dumps(results))


if __name__ == "__main__":
    main()
