#!/usr/bin/env python3
"""Test a kpdata site in headless Chromium, as a visitor's browser would load it.

Drives Debian's Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: no
port, no extra Python package) and checks, for the site built from a release:
  * every page loads from file:// with no console error, no uncaught exception, no
    Content-Security-Policy violation and no request other than file:// (so: no network);
  * every internal link and file reference resolves;
  * the home page's SVG charts render; sorting and filtering a table work; the name search
    finds romanization variants of a name; the skip link is the first thing Tab reaches;
  * at phone width (375 px) no page scrolls sideways;
  * a dataset cell holding markup (`<script>`, an `onerror` image) shows as text and runs
    nothing (a second site, built from a copy of the release with such a cell);
and writes screenshots of the home page and one target page.

Usage: check.py --kpdata BIN --release DIR --work DIR [--shots DIR]
Exit 0 when every check passes, 1 otherwise.
"""

import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL:", msg, flush=True)


class Browser:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3: commands, fd 4: events)."""

    def __init__(self, binary, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.out_r, out_w = os.pipe()

        # Move the child's ends to fds 3 and 4 (through fds above both, so neither overwrites
        # the other), inheritable across exec.
        def child():
            a, b = os.dup(cmd_r), os.dup(out_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps",
                "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank",
            ],
            close_fds=False, preexec_fn=child,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(cmd_r)
        os.close(out_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.out_r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method):
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                del self.events[i]
                return e
        while True:
            m = self._read()
            if m.get("method") == method:
                return m
            self.events.append(m)

    def load(self, url):
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        # Let queued console messages and requests arrive.
        self.eval("new Promise(r => setTimeout(r, 30))", await_promise=True)
        problems = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                problems.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                problems.append("console: " + json.dumps(p.get("args", []))[:300])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                problems.append("log: " + p["entry"].get("text", "")[:300])
            elif m == "Network.requestWillBeSent":
                u = p.get("request", {}).get("url", "")
                if not (u.startswith("file://") or u.startswith("data:") or u == "about:blank"):
                    problems.append("request: " + u[:200])
        return problems

    def eval(self, expr, await_promise=False):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": await_promise}, session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate {expr[:60]}: {r['exceptionDetails']}")
        return r.get("result", {}).get("value")

    def viewport(self, width, height=900, mobile=False):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                  session=True)

    def screenshot(self, path):
        import base64
        r = self.call("Page.captureScreenshot", {"format": "png"},
                      session=True)
        Path(path).write_bytes(base64.b64decode(r["data"]))

    def key(self, key, code, vk):
        for t in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": t, "key": key, "code": code,
                                                 "windowsVirtualKeyCode": vk}, session=True)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.proc.wait(timeout=20)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.refs.append((tag, k, v))


def check_links(site):
    pages = sorted(site.rglob("*.html"))
    broken = 0
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attr, ref in parser.refs:
            parts = urllib.parse.urlsplit(ref)
            if parts.scheme in ("http", "https"):
                if tag != "a":
                    fail(f"{page.relative_to(site)}: <{tag} {attr}> loads an outside address {ref}")
                continue
            if parts.scheme or ref.startswith("//"):
                fail(f"{page.relative_to(site)}: unexpected reference {ref}")
                continue
            if not parts.path:
                continue
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve()
            if site.resolve() not in target.parents or not target.is_file():
                broken += 1
                if broken <= 20:
                    fail(f"{page.relative_to(site)}: link {ref} does not resolve")
    print(f"links: {len(pages)} pages checked, {broken} broken")
    return pages


def build(kpdata, release, out, *extra):
    if out.exists():
        shutil.rmtree(out)
    r = subprocess.run([kpdata, "site", str(release), "--out", str(out), *extra],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        raise SystemExit(f"kpdata site failed with exit {r.returncode}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kpdata", required=True)
    ap.add_argument("--release", required=True, type=Path)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--shots", type=Path)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    shots = args.shots or args.work

    site = build(args.kpdata, args.release, args.work / "site")
    # The same release gives the same bytes.
    again = build(args.kpdata, args.release, args.work / "site-again")
    diff = subprocess.run(["diff", "-r", "-q", str(site), str(again)], capture_output=True, text=True)
    if diff.returncode != 0:
        fail("two builds of the same release differ:\n" + diff.stdout[:500])
    shutil.rmtree(again)

    pages = check_links(site)
    browser = Browser(args.chromium, tempfile.mkdtemp(prefix="kpdata-chromium-"))
    try:
        browser.viewport(1280, 1400)
        # Every index, every dataset, source and record page, and a sample of targets.
        targets = sorted(p for p in (site / "targets").glob("*.html") if p.name != "index.html")
        sample = [p for p in pages if not p.is_relative_to(site / "targets")]
        sample += targets[:: max(1, len(targets) // 40)]
        loaded = 0
        for page in sample:
            problems = browser.load(page.as_uri())
            loaded += 1
            for p in problems:
                fail(f"{page.relative_to(site)}: {p}")
        print(f"browser: {loaded} pages loaded")

        # Home: charts drawn, readable, and a screenshot.
        browser.load((site / "index.html").as_uri())
        charts = browser.eval(
            "Array.from(document.querySelectorAll('svg.chart')).map(s => "
            "[s.querySelectorAll('rect').length, s.getBoundingClientRect().width, "
            "!!s.querySelector('title')])")
        if not charts or any(n == 0 or w < 100 or not t for n, w, t in charts):
            fail(f"home: charts missing or empty: {charts}")
        else:
            print(f"charts: {len(charts)} drawn with {sum(c[0] for c in charts)} bars")
        browser.screenshot(shots / "site-home.png")

        # Keyboard: the first Tab reaches the skip link.
        browser.key("Tab", "Tab", 9)
        if browser.eval("document.activeElement && document.activeElement.className") != "skip":
            fail("keyboard: the first Tab does not reach the skip link")

        # Sorting and filtering a table.
        actors = site / "datasets" / "actors.html"
        if actors.exists():
            browser.load(actors.as_uri())
            col = browser.eval(
                "(() => { const b = document.querySelector('table.sortable th:nth-child(3) button');"
                " b.click(); b.click(); return Array.from(document.querySelectorAll('table.sortable tbody tr'))"
                ".map(r => r.cells[2].textContent); })()")
            if col != sorted(col, reverse=True):
                fail("sort: the third column of actors is not sorted descending after two clicks")
            shown = browser.eval(
                "(() => { const i = document.querySelector('input.filter'); i.value = 'vessel';"
                " i.dispatchEvent(new Event('input')); return Array.from(document.querySelectorAll("
                "'table.sortable tbody tr')).filter(r => !r.classList.contains('hidden')).length; })()")
            total = browser.eval("document.querySelectorAll('table.sortable tbody tr').length")
            if not (0 < shown < total):
                fail(f"filter: 'vessel' shows {shown} of {total} rows")
            else:
                print(f"table: sorted; filter 'vessel' shows {shown} of {total} rows")

        # Search: a spelling variant of a real name finds it.
        browser.load((site / "search.html").as_uri())
        name = browser.eval(
            "(() => { const a = Array.from(document.querySelectorAll('#results li a'))"
            ".map(x => x.textContent).filter(t => /^[A-Za-z]+ [A-Za-z]+ [A-Za-z]+$/.test(t));"
            " return a.length ? a[Math.floor(a.length / 2)] : null; })()")
        if not name:
            fail("search: no three-word Latin name to search for")
        else:
            w = name.split(" ")
            variant = f"{w[0].upper()} {w[1].lower()}-{w[2].lower()}"
            hits = browser.eval(
                "(() => { const s = document.getElementById('search'); s.value = " + json.dumps(variant) +
                "; s.dispatchEvent(new Event('input')); return Array.from(document.querySelectorAll("
                "'#results li')).filter(l => !l.classList.contains('hidden')).map(l => "
                "l.querySelector('a').textContent); })()")
            if name not in hits:
                fail(f"search: {variant!r} does not find {name!r} (found {hits[:5]})")
            else:
                print(f"search: {variant!r} finds {name!r} among {len(hits)} names")

        # A target page: the one with the most rows about it, screenshot.
        biggest = max(targets, key=lambda p: p.stat().st_size)
        for p in browser.load(biggest.as_uri()):
            fail(f"{biggest.name}: {p}")
        browser.screenshot(shots / "site-target.png")

        # Phone width: nothing scrolls sideways.
        browser.viewport(375, 800, mobile=True)
        for page in [site / "index.html", biggest, site / "search.html", site / "sources" / "index.html"]:
            browser.load(page.as_uri())
            sw = browser.eval("document.documentElement.scrollWidth")
            if sw > 380:
                fail(f"phone width: {page.relative_to(site)} is {sw}px wide")
        browser.viewport(1280)

        # Injection: a cell holding markup shows as text and runs nothing.
        hostile = args.work / "release-hostile"
        if hostile.exists():
            shutil.rmtree(hostile)
        shutil.copytree(args.release, hostile)
        data = hostile / "data" / "actors.json"
        payload = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
        text = data.read_text(encoding="utf-8")
        if text.lstrip().startswith("["):
            rows = json.loads(text)
            rows[0]["primary_name"] = payload
            data.write_text(json.dumps(rows), encoding="utf-8")
        else:
            lines = text.splitlines()
            row = json.loads(lines[0])
            row["primary_name"] = payload
            lines[0] = json.dumps(row)
            data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        victim = rows[0]["actor_id"] if text.lstrip().startswith("[") else row["actor_id"]
        hsite = build(args.kpdata, hostile, args.work / "site-hostile", "--no-verify")
        for page in [hsite / "targets" / f"{victim}.html", hsite / "search.html", hsite / "datasets" / "actors.html"]:
            problems = browser.load(page.as_uri())
            pwned = browser.eval("window.__pwned === undefined ? null : window.__pwned")
            shown = browser.eval(
                "document.body.textContent.includes('<script>window.__pwned=1</script>') && "
                "!document.querySelector('img[src=\\'x\\']') && !Array.from("
                "document.scripts).some(s => s.textContent.includes('__pwned'))")
            if pwned is not None or not shown:
                fail(f"injection: {page.relative_to(hsite)}: ran={pwned} shown_as_text={shown}")
            for p in problems:
                if "request" in p:
                    fail(f"injection: {page.relative_to(hsite)}: {p}")
        print("injection: markup in a cell shows as text and runs nothing")
    finally:
        browser.close()

    if FAILURES:
        print(f"{len(FAILURES)} site checks failed")
        return 1
    print("site: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
