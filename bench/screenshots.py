"""Screenshots of every page type, at desktop and phone widths, to look at before a release.

    .venv/bin/python bench/screenshots.py            # or: make screenshots

Builds a scratch SQLite database in a temporary folder (migrate, the `articles` and `demo`
fixtures, first versions, one edit so that a history has two versions), serves it with
``runserver --insecure`` on 127.0.0.1:8768 with debug off (the real 404 page, no debug
toolbar), signs in as the demo accounts where a page needs it, and writes:

- ``test-artifacts/screenshots/<width>/<page>.png``: full-page screenshots at 1280 and 390
  pixels wide (light scheme), and ``dark/<page>.png`` at 1280 for a few pages;
- ``test-artifacts/screenshots/print/<page>.pdf`` and ``…-<n>.png``: the reading views as
  printed (``page.pdf()``), and their pages as PNG when ``pdftoppm`` is installed;
- with ``--readme``: the 1280×800 crops shown in the README, into ``docs/screenshots/``
  (optimised with ``pngquant``/``optipng`` when installed).

Nothing here touches the project's own database. Chromium is Debian's (``/usr/bin/chromium``,
or ``CHROMIUM_PATH``).
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ENGLISH = "/documents/soviet-occupation-of-bessarabia-and-northern-bukovina/"
ROMANIAN = "/documents/ocuparea-sovietica-a-basarabiei-si-bucovinei-de-nord/"
DEMO_PASSWORD = "archive-demo"  # the demo fixture's published password (demo accounts only)
WIDTHS = {1280: 900, 390: 844}

SETTINGS = """\
from config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Static files straight from the finders (no collectstatic, no manifest).
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
RATELIMIT_ENABLED = False
"""

# Run in the scratch database after the fixtures: one more version of a demo annotation (so
# that history and diff have something to show) and the addresses of a few demo records.
PREPARE = """
import json
from django.contrib.auth.models import User
from annotations import services
from annotations.models import Annotation, CrossReference, DisputedClaim
from archive.models import Reference
scholar = User.objects.get(username="scholar")
annotation = Annotation.objects.filter(
    author=scholar, parent__isnull=True, visibility="public", replies__isnull=False).first()
services.update_annotation(annotation=annotation, user=scholar, base_version=annotation.version,
    data={"body": annotation.body + "\\n\\nChecked against the Romanian text."})
flag = DisputedClaim.objects.filter(start__isnull=False, passage__document__language="ro").first()
print(json.dumps({
    "annotation": annotation.get_absolute_url(),
    "passage": annotation.passage.anchor,
    "flag": flag.get_absolute_url(),
    "crossref": CrossReference.objects.filter(to_passage__isnull=False).first().get_absolute_url(),
    "reference": Reference.objects.filter(document_links__isnull=False).exclude(isbn="")
        .order_by("catalogue_id").first().get_absolute_url(),
}))
"""

SELECT_WORDS = """([anchor, words]) => {
  const container = document.querySelector(`#${anchor} [data-passage-text]`);
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("[data-nontext]")) continue;
    const at = node.data.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      return true;
    }
  }
  return false;
}"""


def scroll_to(anchor):
    """Scroll an element near the top of the window (without making it the :target)."""

    def action(page):
        page.evaluate(
            "(id) => window.scrollTo(0, document.getElementById(id).getBoundingClientRect().top"
            " + window.scrollY - 24)",
            anchor,
        )

    return action


def open_panel(anchor):
    """Open a passage's scholarship in the reading room's margin, scrolled into view."""

    def action(page):
        page.wait_for_load_state("load")
        page.locator(f"#{anchor}").locator("xpath=..").locator("a.summary").click()
        page.locator(f"#panel-{anchor} .panel").wait_for()
        scroll_to(anchor)(page)

    return action


def pages(demo):
    """(name, user, path, action) for every page type."""
    annotation = demo["annotation"]
    passage = f"{ROMANIAN}{demo['passage']}/"

    def submit(page):
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()

    def bad_login(page):
        page.get_by_label("Username").fill("nobody")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    def compare(page):
        page.get_by_role("button", name="Compare selected versions").click()
        page.wait_for_load_state()

    def toolbar(page):
        page.wait_for_load_state("load")
        page.locator("#p-2").scroll_into_view_if_needed()
        if page.evaluate(SELECT_WORDS, ["p-2", "Soviet Union"]):
            page.locator("#selection-toolbar").wait_for(state="visible")

    return [
        ("home", None, "/", None),
        ("document-list", None, "/documents/", None),
        ("reading-en", None, ENGLISH, None),
        ("reading-ro", None, ROMANIAN, None),
        ("reading-ro-scholar", "scholar", ROMANIAN, None),
        ("reading-en-scholar-toolbar", "scholar", ENGLISH, toolbar),
        ("reference-list", None, "/references/", None),
        ("reference-detail", None, demo["reference"], None),
        ("link-list", None, "/links/", None),
        ("annotation-list", None, "/annotations/", None),
        ("annotation-detail", "scholar", annotation, None),
        ("my-annotations", "scholar", "/annotations/mine/", None),
        ("annotation-history", "scholar", f"{annotation}history/", None),
        ("annotation-diff", "scholar", f"{annotation}history/", compare),
        ("annotation-delete", "scholar", f"{annotation}delete/", None),
        ("flag-list", None, "/flags/", None),
        ("flag-detail", None, demo["flag"], None),
        ("flag-detail-moderator", "moderator", demo["flag"], None),
        ("crossref-detail", None, demo["crossref"], None),
        ("login", None, "/accounts/login/", None),
        ("login-errors", None, "/accounts/login/", bad_login),
        ("annotate-form", "scholar", f"{passage}annotate/", None),
        ("annotate-form-errors", "scholar", f"{passage}annotate/", submit),
        ("edit-form", "scholar", f"{annotation}edit/", None),
        ("flag-form", "scholar", f"{passage}flag/", None),
        ("flag-form-errors", "scholar", f"{passage}flag/", submit),
        ("crossref-form", "scholar", f"{passage}cross-reference/", None),
        ("crossref-form-errors", "scholar", f"{passage}cross-reference/", submit),
        ("reply-form", "scholar", f"{annotation}reply/", None),
        ("password-change", "scholar", "/accounts/password_change/", None),
        ("not-found", None, "/documents/no-such-document/", None),
        ("search", None, "/search/?q=Hertsa", None),
        ("compare", None, f"{ROMANIAN}compare/", None),
        ("admin-review-queue", "moderator", "/admin/review/", None),
    ]


DARK = {"home", "reading-ro-scholar", "annotate-form-errors", "flag-detail", "annotation-diff"}
PRINTED = {"reading-ro-scholar": ("scholar", ROMANIAN), "reading-en": (None, ENGLISH)}


def manage(env, *args, capture=False):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    ).stdout


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"the server did not start on port {port}")


def log_in(context, base, user):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.close()


def optimise(path):
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--quality=70-95", "--output", path, path],
            check=False,
        )
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", path], check=False)


class Camera:
    """Browser contexts by (user, width, scheme), each signed in once, and pages opened in them."""

    def __init__(self, browser, base):
        self.browser, self.base, self.contexts = browser, base, {}

    def context_for(self, user, width, scheme="light"):
        key = (user, width, scheme)
        if key not in self.contexts:
            phone = width < 600
            context = self.browser.new_context(
                viewport={"width": width, "height": WIDTHS.get(width, 900)},
                device_scale_factor=1,
                is_mobile=phone,
                has_touch=phone,
                color_scheme=scheme,
                reduced_motion="reduce",  # no smooth scrolling under way in a screenshot
                locale="en-GB",
            )
            if user:
                log_in(context, self.base, user)
            self.contexts[key] = context
        return self.contexts[key]

    def visit(self, user, path, action, width, scheme="light"):
        page = self.context_for(user, width, scheme).new_page()
        response = page.goto(self.base + path)
        if action:
            action(page)
        return page, response.status


def shoot(base, demo, out, only, readme):
    from playwright.sync_api import sync_playwright

    cases = [case for case in pages(demo) if not only or case[0] in only]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        camera = Camera(browser, base)
        shoot_pages(camera, cases, out)
        print_pages(camera, out, only)
        if readme:
            readme_shots(browser, base, demo)
        browser.close()


def shoot_pages(camera, cases, out):
    """Every page at each width (light), and some in the dark scheme at 1280."""
    for width in WIDTHS:
        (out / str(width)).mkdir(parents=True, exist_ok=True)
        for name, user, path, action in cases:
            page, status = camera.visit(user, path, action, width)
            page.screenshot(path=str(out / str(width) / f"{name}.png"), full_page=True)
            print(f"{width:>5} {status} {name} {path}")
            page.close()
    (out / "dark").mkdir(parents=True, exist_ok=True)
    for name, user, path, action in cases:
        if name in DARK:
            page, _ = camera.visit(user, path, action, 1280, "dark")
            page.screenshot(path=str(out / "dark" / f"{name}.png"), full_page=True)
            page.close()


def print_pages(camera, out, only):
    """The reading views as printed (PDF), and their first pages as PNG with pdftoppm."""
    (out / "print").mkdir(parents=True, exist_ok=True)
    for name, (user, path) in PRINTED.items():
        if only and name not in only:
            continue
        page = camera.context_for(user, 1280).new_page()
        page.goto(camera.base + path)
        pdf = out / "print" / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        page.close()
        if shutil.which("pdftoppm"):
            first_pages = ["-png", "-r", "60", "-f", "1", "-l", "4", pdf, pdf.with_suffix("")]
            subprocess.run(["pdftoppm", *first_pages], check=True)
        print(f"print {name} -> {pdf}")


def readme_shots(browser, base, demo):
    """The README's five pictures, cropped to the window, into docs/screenshots/."""
    folder = ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    shots = [
        ("reading-view", "scholar", ROMANIAN, open_panel("p-2"), 1280),
        ("reading-view-390", None, ENGLISH, open_panel("p-1"), 390),
        ("annotation-toolbar", "scholar", ENGLISH, pages(demo)[5][3], 1280),
        ("annotate-form", "scholar", f"{ROMANIAN}{demo['passage']}/annotate/", None, 1280),
        ("admin-review-queue", "moderator", "/admin/review/", None, 1280),
    ]
    for name, user, path, action, width in shots:
        context = browser.new_context(
            viewport={"width": width, "height": 800 if width > 800 else 844},
            device_scale_factor=1,
            reduced_motion="reduce",
            locale="en-GB",
        )
        if user:
            log_in(context, base, user)
        page = context.new_page()
        page.goto(base + path)
        if action:
            action(page)
        target = folder / f"{name}.png"
        page.screenshot(path=str(target))
        context.close()
        optimise(str(target))
        print(f"readme {target.relative_to(ROOT)} {target.stat().st_size // 1024} KiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screenshots")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--only", nargs="*", default=[], help="page names to take (default all)")
    parser.add_argument("--readme", action="store_true", help="also update docs/screenshots/")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="archive-screenshots-") as scratch:
        Path(scratch, "screenshot_settings.py").write_text(SETTINGS)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([scratch, str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "screenshot_settings",
            "DJANGO_SECRET_KEY": "screenshots-only-" + os.urandom(16).hex(),
            "DATABASE_URL": f"sqlite:///{scratch}/screenshots.sqlite3",
        }
        env.pop("DJANGO_DEBUG", None)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "loaddata", "articles", "demo", "-v0")
        manage(env, "record_initial_versions", "-v0")
        import json

        demo = json.loads(
            manage(env, "shell", "-c", PREPARE, capture=True).strip().splitlines()[-1]
        )
        server = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                f"127.0.0.1:{args.port}",
                "--noreload",
                "--insecure",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(args.port)
            shoot(f"http://127.0.0.1:{args.port}", demo, args.out, set(args.only), args.readme)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
