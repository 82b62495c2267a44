"""Check an HTML page in a real headless Chromium (Debian's ``chromium``): take a screenshot and
measure, after the page has loaded, whether any table is wider than its box or the window and
whether every image decoded. Tests skip with a reason when chromium is not installed."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["CHROMIUM_FLAGS", "chromium_or_skip", "inspect_page"]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]

_PROBE = """<script>
window.addEventListener('load', () => {
  const vw = document.documentElement.clientWidth;
  const out = {viewport: vw, page: document.documentElement.scrollWidth, tables: [], images: []};
  for (const t of document.querySelectorAll('table')) {
    const r = t.getBoundingClientRect(), box = t.parentElement;
    out.tables.push({id: t.id, right: r.right, width: r.width,
                     box_scroll: box.scrollWidth, box_client: box.clientWidth});
  }
  for (const img of document.images) {
    out.images.push({alt: img.alt, complete: img.complete, natural: img.naturalWidth,
                     shown: img.getBoundingClientRect().width});
  }
  document.body.setAttribute('data-probe', JSON.stringify(out));
});
</script>"""


def chromium_or_skip() -> str:
    """Path of the chromium binary, or skip the test saying how to install it."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("chromium not installed (apt-get install -y chromium; .ci/run installs it)")


def _run(binary: str, profile: Path, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def inspect_page(page: Path, workdir: Path, width: int = 1280, height: int = 900) -> dict:
    """Screenshot ``page`` at ``width`` x ``height`` and measure its tables and images.

    Returns the probe's measurements plus ``screenshot`` (its path). The page itself is not
    changed: the probe runs on a copy with a script appended.
    """
    binary = chromium_or_skip()
    workdir.mkdir(parents=True, exist_ok=True)
    shot = workdir / f"{page.stem}-{width}.png"
    res = _run(binary, workdir / "profile-shot", [f"--window-size={width},{height}", f"--screenshot={shot}",
                                                  "--hide-scrollbars", page.resolve().as_uri()])
    assert shot.is_file(), f"chromium wrote no screenshot: {res.stderr[-2000:]}"
    probed = workdir / f"{page.stem}-probe.html"
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("</body>", _PROBE + "</body>", 1), encoding="utf-8")
    res = _run(binary, workdir / "profile-dom", [f"--window-size={width},{height}", "--virtual-time-budget=10000",
                                                 "--dump-dom", probed.resolve().as_uri()])
    found = re.search(r'data-probe="([^"]*)"', res.stdout)
    assert found, f"the probe did not run: {res.stderr[-2000:]}"
    out = json.loads(html.unescape(found.group(1)))
    out["screenshot"] = shot
    return out


def assert_readable(probe: dict) -> None:
    """No table wider than its box or the window, nothing wider than the window, every image shown."""
    vw = probe["viewport"]
    assert probe["page"] <= vw, f"page is {probe['page']} px wide in a {vw} px window"
    for t in probe["tables"]:
        assert t["right"] <= vw + 0.5, f"table {t['id'] or '?'} ends at {t['right']} px > {vw} px"
        assert t["box_scroll"] <= t["box_client"] + 0.5, f"table {t['id'] or '?'} is clipped in its box: {t}"
    for img in probe["images"]:
        assert img["complete"] and img["natural"] > 0 and img["shown"] > 0, f"image not shown: {img}"
    assert probe["screenshot"].stat().st_size > 5_000
