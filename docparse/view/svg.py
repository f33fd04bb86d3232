"""Two inline-SVG charts (no library): a histogram and horizontal bars."""

from __future__ import annotations

from .html import esc

W, BAR_H = 500, 22


def histogram(values: list[float], edges: list[float], labels: list[str], *, unit: str = "") -> str:
    """Counts of ``values`` in the bins ``[edges[i], edges[i+1])``, one column per bin."""
    counts = [0] * len(labels)
    for v in values:
        for i in range(len(labels)):
            if edges[i] <= v < edges[i + 1]:
                counts[i] += 1
                break
    if not values:
        return '<p class="empty">no data</p>'
    top = max(counts) or 1
    h, base, col = 180, 150, (W - 20) / len(labels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" role="img">']
    for i, (n, lab) in enumerate(zip(counts, labels)):
        bh = (base - 20) * n / top
        x = 10 + i * col
        parts.append(f'<rect x="{x + 4:.1f}" y="{base - bh:.1f}" width="{col - 8:.1f}" height="{bh:.1f}" '
                     f'fill="#2f5d8a"><title>{esc(lab)}: {n} {esc(unit)}</title></rect>')
        parts.append(f'<text x="{x + col / 2:.1f}" y="{base - bh - 4:.1f}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + col / 2:.1f}" y="{base + 16}" text-anchor="middle">{esc(lab)}</text>')
    parts.append(f'<line x1="10" y1="{base}" x2="{W - 10}" y2="{base}" stroke="#56606b"/></svg>')
    return "".join(parts)


def bars(items: list[tuple[str, float, str]]) -> str:
    """One bar per (label, value, printed value), longest first as given."""
    if not items:
        return '<p class="empty">no data</p>'
    top = max(v for _, v, _ in items) or 1
    label_w, h = 200, BAR_H * len(items) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" role="img">']
    for i, (lab, v, txt) in enumerate(items):
        y = 5 + i * BAR_H
        bw = max(1.0, (W - label_w - 90) * v / top)
        short = _clip(lab, 30)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"><title>{esc(lab)}</title>'
                     f'{esc(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bw:.1f}" height="{BAR_H - 6}" fill="#c0504d">'
                     f'<title>{esc(lab)}: {esc(txt)}</title></rect>')
        parts.append(f'<text x="{label_w + bw + 4:.1f}" y="{y + 15}">{esc(txt)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _clip(s: str, width: int) -> str:
    """At most ``width`` columns (a CJK character is two)."""
    out, w = "", 0
    for ch in s:
        w += 2 if ord(ch) > 0x2e7f else 1
        if w > width:
            return out + "…"
        out += ch
    return out
