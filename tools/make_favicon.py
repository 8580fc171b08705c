"""Writes ``assets/favicon.ico``: a small coverage pie (three quarters in the accent colour).

Dash serves ``assets/favicon.ico`` instead of its own 15 KB icon (fetched on every first load).
Run: ``python tools/make_favicon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (11, 83, 148, 255)  # --accent in assets/cakupan.css
LIGHT = (228, 231, 235, 255)  # --line


def main() -> None:
    size = 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    box = (2, 2, size - 3, size - 3)
    draw.ellipse(box, fill=LIGHT)
    draw.pieslice(box, start=-90, end=180, fill=ACCENT)
    out = Path(__file__).resolve().parent.parent / "assets" / "favicon.ico"
    image.save(out, format="ICO", sizes=[(32, 32)])  # one size: browsers scale it
    print(f"{out}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
