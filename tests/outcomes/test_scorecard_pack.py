"""The steering-group PDF pack, read back as a person would see it: Poppler gives
each word's position on the page (``pdftotext -bbox``) and draws every page as an
image (``pdftoppm``), so the test sees what WeasyPrint actually printed."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from tests.outcomes.scorecard_world import build_world

COUNCIL = "Brighton & Hove's Council"
CHART_TITLES = (
    "Contacts each month by route",
    "From contact to plan, July to September 2026",
    "Re-referral rate",
    "Decided within one working day",
)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# 15 mm, the pack's top and bottom page margins, in PDF points.
MARGIN = 15 / 25.4 * 72
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: Word) -> bool:
        """Drawn over each other, not merely touching: font boxes of neighbouring
        lines share a sliver of height, so a run must cover a third of the other's."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width > 0.5 and height > min(self.y1 - self.y0, other.y1 - other.y0) / 3


@dataclass(frozen=True)
class Page:
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    def footer(self) -> str:
        bottom = sorted((w for w in self.words if w.y0 > self.height - MARGIN), key=lambda w: w.x0)
        return " ".join(word.text for word in bottom)


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"Poppler's {tool} is missing: scripts/install --browser installs it")
    return found


def _pages(pdf: Path) -> list[Page]:
    layout = subprocess.run(
        [_poppler("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for chunk in layout.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', chunk).group(1))
        words = [
            Word(*(float(n) for n in match.groups()[:4]), html.unescape(match.group(5)))
            for match in _WORD.finditer(chunk)
        ]
        pages.append(Page(height, words))
    return pages


def _images(pdf: Path) -> list[Path]:
    """Every page as a PNG; FRONTDOOR_PACK_IMAGES=<folder> keeps them to look at."""
    subprocess.run(
        [_poppler("pdftoppm"), "-r", "80", "-png", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    images = sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))
    keep = os.environ.get("FRONTDOOR_PACK_IMAGES")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for image in images:
            shutil.copy(image, keep)
    return images


def _render(client, user, tmp_path) -> Path:
    client.force_login(user)
    response = client.get(reverse("outcomes:scorecard-pdf"), {"period": "2026-Q3"})
    assert response.status_code == 200
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(response.content)
    return pdf


def test_the_pack_as_printed(client, screener, manager, settings, tmp_path):
    """One rendering of a quarter with contacts in every month, checked page by page:
    the council on every page, each chart titled, no text over other text, and every
    page drawn as an image."""
    settings.COUNCIL_NAME = COUNCIL
    build_world(screener, manager)
    pdf = _render(client, manager, tmp_path)
    pages = _pages(pdf)
    assert len(pages) >= 3
    assert pages[0].text.startswith(f"{COUNCIL} Multi-agency steering-group scorecard")

    for number, page in enumerate(pages, start=1):
        footer = page.footer()
        assert footer.startswith(f"{COUNCIL} · Front Door scorecard, July to September 2026")
        assert footer.endswith(f"Page {number} of {len(pages)}")
        clashes = [
            (a.text, b.text)
            for i, a in enumerate(page.words)
            for b in page.words[i + 1 :]
            if a.overlaps(b)
        ]
        assert not clashes, f"page {number}: text over text {clashes[:5]}"

    charts = next(page for page in pages if "At a glance" in page.text)
    for title in CHART_TITLES:
        assert title in charts.text
    words = [word.text for word in charts.words]
    # Each month on its own ("Oct" over "2025"), never run together ("25Nov").
    for month in ("Oct", "Nov", "Dec", "Jan", "Sep"):
        assert month in words
    assert not [w for w in words if re.search(rf"\d({MONTHS})|({MONTHS})\S*({MONTHS})", w)]
    # England's figure is keyed in the legend.
    assert "England: 22%" in charts.text
    # The quarter ended under 12 months ago: its repeat-contact figure can still rise,
    # charted on the page after the others.
    following = pages[pages.index(charts) + 1].text
    assert following.startswith("Repeat contacts not progressed"), following[:80]
    text = " ".join(page.text for page in pages)
    assert "Repeat contacts not progressed for July to September 2026 is still maturing" in text
    assert "can still rise until 30 September 2027" in text

    images = _images(pdf)
    assert len(images) == len(pages)
    assert all(image.stat().st_size > 5_000 for image in images)


def test_a_council_name_left_empty_leaves_no_stray_separator(client, manager, settings, tmp_path):
    settings.COUNCIL_NAME = ""
    for page in _pages(_render(client, manager, tmp_path)):
        assert not page.text.startswith("·")
        assert page.footer().startswith("Front Door scorecard, July to September 2026")
