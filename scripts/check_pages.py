"""Check the reader pages as browsers and validators see them: the Nu Html Checker and Lighthouse.

    python scripts/check_pages.py [--skip-lighthouse] [--skip-html]

Not part of `make test`: it installs its tools from the npm registry (pinned, into
var/tools) the first time. A fresh site with the demo issue is served by gunicorn with debug
off on 127.0.0.1; then

- the Nu Html Checker (vnu-jar, on the machine's Java 17) reads every kind of reader page and
  must find no error;
- Lighthouse (mobile, the default) runs Debian's /usr/bin/chromium (CHROME_PATH) on the home,
  issue and item pages and must score 100 for performance, accessibility, best practices and
  SEO.

Prints what it found; exits 1 if a check failed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from servers import gunicorn, manage, site_env  # noqa: E402

TOOLS = ROOT / "var" / "tools"
PACKAGES = ["lighthouse@12.8.2", "vnu-jar@26.9.27"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def ensure_tools():
    if not (TOOLS / "node_modules" / ".bin" / "lighthouse").exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(TOOLS)]
            + PACKAGES,
            check=True,
        )


def reader_pages(env):
    script = (
        "from bulletins.models import Issue, Item\n"
        "issue = Issue.objects.published().first()\n"
        "item = Item.objects.filter(section__issue=issue).first()\n"
        "print(issue.get_absolute_url(), item.get_absolute_url(), item.section.slug)\n"
    )
    printed = manage(env, "shell", "-c", script, capture=True).stdout
    issue, item, slug = printed.strip().splitlines()[-1].split()
    slug = urllib.parse.quote(slug)
    q = urllib.parse.quote("芯片")
    return {
        "home": "/",
        "issue": issue,
        "item": urllib.parse.quote(item),
        "archive": "/issues/",
        "section": f"/sections/{slug}/",
        "section filtered": f"/sections/{slug}/?q={q}&date_from=2020-01-01",
        "search": "/search/",
        "search results": f"/search/?q={q}",
        "search nothing": "/search/?q=" + urllib.parse.quote("没有这个词"),
        "not found": "/issues/999999/",
    }


def fetch(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def check_html(base, pages, tmp):
    files = []
    for name, path in pages.items():
        file = tmp / (name.replace(" ", "-") + ".html")
        file.write_bytes(fetch(base + path))
        files.append(file)
    jar = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    for message in messages:
        page = Path(urllib.parse.unquote(message.get("url", ""))).stem
        print(f"  HTML error on {page}: {message['message']} (line {message.get('lastLine')})")
    print(f"Nu Html Checker: {len(messages)} errors on {len(files)} pages")
    return not messages


def check_lighthouse(base, pages, tmp):
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    ok = True
    for name in ("home", "issue", "item"):
        report = tmp / f"lighthouse-{name}.json"
        _lighthouse(
            [
                str(TOOLS / "node_modules" / ".bin" / "lighthouse"),
                base + pages[name],
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROME_FLAGS}",
                "--output=json",
                f"--output-path={report}",
            ],
            env=env,
        )
        data = json.loads(report.read_text())
        scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
        print(f"Lighthouse (mobile) {name}: {scores}")
        for category in CATEGORIES:
            if scores[category] < 100:
                ok = False
                for ref in data["categories"][category]["auditRefs"]:
                    audit = data["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        print(f"    {category}: {audit['title']} ({audit['score']})")
                        for entry in (audit.get("details") or {}).get("items", [])[:5]:
                            where = entry.get("sourceLocation", {}).get("url", "")
                            print(f"      {entry.get('description')} {where}")
    return ok


def _lighthouse(command, env, attempts=3):
    """Run Lighthouse; again when Chromium's trace of the load went wrong (NO_NAVSTART, a
    known flake on a busy machine)."""
    for attempt in range(attempts):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode == 0:
            return
        print(f"  Lighthouse failed (attempt {attempt + 1}): {result.stderr.strip()[-300:]}")
    raise RuntimeError("Lighthouse failed every time")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-html", action="store_true")
    args = parser.parse_args()
    ensure_tools()
    with tempfile.TemporaryDirectory(prefix="newsroom-check-") as tmp:
        tmp = Path(tmp)
        env = site_env(
            f"sqlite:///{tmp / 'site.sqlite3'}",
            STATIC_ROOT=tmp / "static",
            MEDIA_ROOT=tmp / "media",
            NEWSROOM_SERVE_MEDIA="1",  # the demo's pictures, with no nginx in front
        )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage({**env, "DJANGO_DEBUG": "1"}, "load_demo", capture=True)
        pages = reader_pages(env)
        results = []
        with gunicorn(env, workers=2) as (base, _):
            if not args.skip_html:
                results.append(check_html(base, pages, tmp))
            if not args.skip_lighthouse:
                results.append(check_lighthouse(base, pages, tmp))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
