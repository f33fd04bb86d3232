"""Scanned versions of the golden PDFs: render, rotate, add noise, JPEG, image-only PDF.

    python -m golden.synth.scan golden/health-2021.pdf out.pdf --dpi 200 --angle 0.4 --seed 1

What a county website publishes: the signed form printed and scanned at
150-200 dpi, a little crooked, with sensor noise and JPEG blocks. The output
PDF has no text layer, only one grey JPEG per page, so docparse must OCR it.
Deterministic for a given seed (the tests make their scans with this).
"""

from __future__ import annotations

import argparse
import io

import numpy as np


def scan_image(img, angle: float, noise: float, quality: int, rng: np.random.Generator):
    """One rendered page (PIL 'L') → the scanned-looking page (PIL 'L')."""
    from PIL import Image

    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    a = np.asarray(img, dtype=np.float32)
    a = a * 0.92 + 12  # paper is not white, toner not black
    a += rng.normal(0.0, noise, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("L")


def scan_pdf(pdf: bytes, dpi: int = 200, angle: float = 0.4, noise: float = 8.0, quality: int = 70,
             seed: int = 0, pages: list[int] | None = None) -> bytes:
    """The image-only PDF of ``pdf``'s pages (0-based ``pages``, all if None).

    Each page turns by ``angle`` degrees, alternating in sign from page to page.
    """
    import pypdfium2 as pdfium

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for n, i in enumerate(pages if pages is not None else range(len(doc))):
            page = doc[i]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            out.append(scan_image(img, angle if n % 2 == 0 else -angle, noise, quality, rng))
    finally:
        doc.close()
    buf = io.BytesIO()
    out[0].save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=out[1:], quality=quality)
    return buf.getvalue()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf")
    ap.add_argument("out")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--angle", type=float, default=0.4)
    ap.add_argument("--noise", type=float, default=8.0)
    ap.add_argument("--quality", type=int, default=70)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pages", help="0-based, comma-separated")
    a = ap.parse_args(argv)
    pages = [int(p) for p in a.pages.split(",")] if a.pages else None
    with open(a.pdf, "rb") as f:
        data = scan_pdf(f.read(), a.dpi, a.angle, a.noise, a.quality, a.seed, pages)
    with open(a.out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
