"""Small HTML helpers: escaping, the page shell and its stylesheet (no external assets)."""

from __future__ import annotations

from html import escape


def esc(v) -> str:
    if v is None:
        return ""
    return escape(str(v), quote=True)


# System CJK fonts first (fonts-noto-cjk on Debian, the Windows and macOS ones after).
FONTS = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
         '"WenQuanYi Micro Hei", sans-serif')

CSS = """
* { box-sizing: border-box; }
body { font-family: %s; margin: 0; padding: 24px 32px; color: #1d232a; background: #f4f5f7;
       font-size: 14px; line-height: 1.5; }
main { max-width: 1200px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #2f5d8a; padding-bottom: 2px; color: #2f5d8a; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #56606b; font-size: 13px; }
section.form { background: #fff; padding: 12px 18px 18px; margin: 14px 0; border: 1px solid #d6dae0; }
table { border-collapse: collapse; margin: 6px 0 10px; background: #fff; width: 100%%; }
th, td { border: 1px solid #9aa3ad; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #e8ecf1; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.label { background: #f3f5f8; width: 12em; font-weight: 600; }
td.long { white-space: pre-wrap; }
tr.summary td { font-weight: 600; background: #f7f9fb; }
[data-ptr]:hover { outline: 2px solid #6a9fd4; cursor: help; }
.bad { background: #ffd9d6 !important; outline: 2px solid #d0362b; }
.warn { background: #fff1c2 !important; }
.mark { color: #d0362b; font-weight: 700; font-size: 11px; text-decoration: none; margin-left: 3px; }
.checks li.fail { color: #a12219; }
.box { border-left: 4px solid #d0362b; background: #fff; padding: 6px 12px; margin: 8px 0; }
.box.w { border-color: #c99700; }
.ok { color: #2d7a2d; }
.outline ol { margin: 2px 0 2px 10px; padding-left: 14px; }
.outline .t { white-space: pre-wrap; color: #37414b; margin: 2px 0 8px; }
.empty { color: #8a939c; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; background: #e8ecf1; margin-right: 6px; }
.badge.fail { background: #ffd9d6; color: #a12219; }
.badge.warn { background: #fff1c2; }
svg text { font-family: %s; font-size: 11px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
.chart { background: #fff; border: 1px solid #d6dae0; padding: 8px 12px; }
th.sort { cursor: pointer; user-select: none; }
.filters input, .filters select { margin-right: 10px; font: inherit; }
""" % (FONTS, FONTS)


def page(title: str, body: str, script: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main>" + (f"<script>{script}</script>" if script else "") + "</body></html>\n")
