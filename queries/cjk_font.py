"""The Chinese font of printed reports: Debian's Noto Sans CJK SC (``fonts-noto-cjk``),
cut down to the characters a report uses, so the HTML and the PDF carry their own font
instead of hoping the reader's machine has one.

A Noto CJK collection holds several faces (JP, KR, SC, TC, HK); the simplified-Chinese one
is picked by name, since the collection's order differs between releases.
"""

from __future__ import annotations

import io
import string
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from graph.errors import NotSupported

FAMILY = "Noto Sans CJK SC"
ALWAYS = string.printable + "０１２３４５６７８９，。、；：？！（）《》「」“”—…·％"


class FontMissing(NotSupported):
    """This machine has no usable Chinese font, so it cannot print a report."""


def _face(path: Path) -> TTFont:
    if not path.is_file():
        raise FontMissing(
            f"找不到中文字体文件 {path}：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
            "或用 TONGXIN_REPORT_FONT 指向一个 Noto Sans CJK 字体文件"
        )
    try:
        if path.suffix.lower() != ".ttc":
            return TTFont(path, recalcTimestamp=False)
        faces = TTCollection(path, lazy=True).fonts
        number = next((i for i, f in enumerate(faces) if f["name"].getDebugName(1) == FAMILY), 0)
        return TTFont(path, fontNumber=number, recalcTimestamp=False)  # the same bytes every time
    except Exception as exc:  # fontTools raises bare errors for a file that is not a font
        raise FontMissing(f"字体文件 {path} 无法读取（{exc}）：请指向一个 Noto Sans CJK 字体文件") from exc


def report_font(text: str, path: Path) -> bytes:
    """An OpenType font holding the glyphs of ``text`` (and ASCII, digits, Chinese punctuation).

    >>> from graph.settings import Settings
    >>> cmap = TTFont(io.BytesIO(report_font("鹿城同心荟", Settings().report_font))).getBestCmap()
    >>> all(ord(c) in cmap for c in "鹿城同心荟0%")
    True
    >>> ord("藤") in cmap
    False
    """
    font = _face(Path(path))
    cmap = font.getBestCmap() or {}
    missing = sorted({c for c in text if unicodedata.name(c, "").startswith("CJK UNIFIED") and ord(c) not in cmap})
    if missing:
        raise FontMissing(
            f"字体文件 {path} 缺少 {len(missing)} 个汉字（{''.join(missing[:10])}{'…' if len(missing) > 10 else ''}）：不是中文字体，"
            "请安装 fonts-noto-cjk 或用 TONGXIN_REPORT_FONT 指向一个 Noto Sans CJK 字体文件"
        )
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    cutter = subset.Subsetter(options)
    cutter.populate(text=text + ALWAYS)
    cutter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
