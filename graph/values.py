"""Value types that clean: each takes what a roster cell holds and returns the normalised
value, or raises ``ValueError`` with a Chinese reason that staff can act on.

Ingest and the API's input models use the same functions, so a value means the same
everywhere.

>>> clean("phone", "+86 138-0013-8000")
'13800138000'
>>> clean("date", "2024年3月5日")
'2024-03-05'
>>> clean("bool", "是")
True
>>> clean("name", "张\u3000伟")
'张伟'
>>> id_check_digit("11010519491231002")
'X'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")  # 2023.5, 2023年5月, 2023-05
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system, its leap-year bug included)
_SERIALS = (18264, 73050)  # 1950-01-01 … 2099-12-31 as Excel serial numbers
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)  # 3.30302E+17: what Excel shows of a long number
_SEPARATORS = re.compile(r"[、,;，；]")
_HAN = r"[\u3400-\u9fff\uf900-\ufaff]"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<={_HAN})\s+(?={_HAN})")
_TRUE = {"是", "yes", "y", "true", "1", "有", "√", "✓", "✔", "☑", "对"}
_FALSE = {"否", "no", "n", "false", "0", "无", "×", "✗", "✘", "☐", "不是"}
_NOTE = re.compile(r"[（(][^）)]*[）)]")  # 区级（示范点）: a remark in brackets after the value


def _text(raw) -> str:
    return str(raw).strip()


_BLANKS = re.compile(r"\s+")


def _nfkc(text: str) -> str:
    """Full-width forms folded; ASCII (most cells) is already folded."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _code(raw) -> str:
    """Full-width digits and letters to ASCII, spaces dropped, upper case."""
    if isinstance(raw, float) and abs(raw) >= 1e15:
        raise ValueError(
            f"「{raw:.0f}」超过 15 位，Excel 已把它当作数字并丢失了末几位，请将该列设置为文本格式后重新填写"
        )
    return _BLANKS.sub("", _nfkc(str(raw))).upper()


def _number(raw) -> bool:
    """Whether Excel handed over a number (a bool is an int to Python, not to Excel)."""
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def clean_id(raw) -> str:
    """Roster ids: full-width characters folded, no blanks inside."""
    code = _nfkc(str(raw)).strip()
    if _BLANKS.search(code):
        raise ValueError(f"编号「{raw}」中不能有空格")
    return code


def clean_name(raw) -> str:
    """A name with its blanks tidied; a ``?`` or U+FFFD in it means characters were lost
    when the file changed encoding (a rare character GBK lacks), so it is refused.

    >>> clean_name(" 张　伟 ")
    '张伟'
    """
    name = _BLANKS.sub(" ", _nfkc(str(raw)).strip())
    if "?" in name or "\ufffd" in name:
        raise ValueError(
            f"「{raw}」中有「?」或乱码：有字在转换编码时丢失了（常见于 GBK 不支持的生僻字），请对照原件改正后重新上传，"
            "或把文件另存为“CSV UTF-8”或 .xlsx"
        )
    return _SPACE_BETWEEN_HAN.sub("", name)


def clean_integer(raw) -> int:
    """A whole number that both stores can keep: Neo4j's integers, and the embedded store's
    file encoder, stop at 64 bits."""
    if isinstance(raw, int):
        number = raw
    else:
        code = _code(raw)
        try:
            number = int(code)  # exact: through a float, 12345678901234567 came back as …568
        except ValueError:
            try:
                value = float(code)  # 5000.0, 3.3E+5
            except ValueError:
                value = None
            if value is None or not value.is_integer():  # "inf" and "nan" are floats, not integers
                raise ValueError(f"「{raw}」不是整数") from None
            number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError(f"「{raw}」太大，超出能保存的整数范围")
    return number


def clean_year(raw) -> int:
    """A year, also from a birth date or month as staff write 出生年月.

    >>> clean_year("1985年"), clean_year("1990.03"), clean_year("1978年11月"), clean_year("1985-06-01 00:00:00")
    (1985, 1990, 1978, 1985)
    """
    if isinstance(raw, (dt.date, dt.datetime)):
        year = raw.year
    else:
        text = _nfkc(str(raw)).strip().removesuffix("年")
        try:
            year = clean_integer(text)
        except ValueError:
            year = int(clean_date(text)[:4])  # a date or a month: its year
    if not 1900 <= year <= 2100:
        raise ValueError(f"年份「{raw}」不在 1900–2100 之间")
    return year


def clean_date(raw) -> str:
    """A date as ISO ``YYYY-MM-DD``; a month given without its day keeps its precision as
    ``YYYY-MM`` (ISO 8601's reduced form), which sorts before every day of that month.

    >>> clean_date("2023-05-01 00:00:00"), clean_date("2023.5"), clean_date("2023年5月"), clean_date(45047)
    ('2023-05-01', '2023-05', '2023-05', '2023-05-01')
    """
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str) and len(raw) == 10 and raw[4] == raw[7] == "-":  # ISO already: most cells
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    text = _nfkc(str(raw)).strip()
    serial = raw if _number(raw) else None
    if serial is None and re.fullmatch(r"\d{5}(\.0+)?", text):
        serial = float(text)  # a date cell exported to text as Excel's serial number
    try:
        if serial is not None and _SERIALS[0] <= serial <= _SERIALS[1]:
            return (_EXCEL_EPOCH + dt.timedelta(days=int(serial))).isoformat()
        if month := _MONTH.match(text):
            year, number = map(int, month.groups())
            return dt.date(year, number, 1).isoformat()[:7]
        if day := _DATE.match(text):
            return dt.date(*map(int, day.groups())).isoformat()
        raise ValueError
    except ValueError:
        raise ValueError(
            f"日期「{raw}」无法识别，请写成 2024-03-05、2024/3/5、2024.3.5、2024年3月5日，或只写年月 2024年3月"
        ) from None


def clean_bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    word = _code(raw).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"「{raw}」应填 是 或 否")


def clean_phone(raw) -> str:
    digits = re.sub(r"[\-()（）]", "", _code(raw))
    digits = re.sub(r"^(\+?86|0086)(?=1[0-9]{10}$)", "", digits)
    if not re.fullmatch(r"1[3-9][0-9]{9}", digits):  # ASCII digits: \d would take any script's
        raise ValueError(f"手机号「{raw}」不是 11 位大陆手机号码")
    return digits


def clean_landline(raw) -> str:
    """A fixed line as ``area-number[-extension]``.

    >>> clean_landline("(0577) 8881 2345"), clean_landline("0577-88812345转802"), clean_landline("88812345")
    ('0577-88812345', '0577-88812345-802', '88812345')
    """
    match = re.fullmatch(r"\(?(0[0-9]{2,3})?\)?-?([0-9]{7,8})(?:(?:-|转|EXT\.?)([0-9]{1,6}))?", _code(raw))
    if match is None:
        raise ValueError(f"「{raw}」不是固定电话号码（如 0577-88812345）")
    area, number, extension = match.groups()
    return (f"{area}-" if area else "") + number + (f"-{extension}" if extension else "")


def _mask_landline(value: str) -> str:
    """The area code and the number's last three digits (``0577-****345``): at least four digits
    hidden, 10,000 numbers or more remain possible."""
    area, number = value.split("-")[:2] if value.startswith("0") and "-" in value else ("", value.split("-")[0])
    return (f"{area}-" if area else "") + "****" + number[-3:] if len(number) >= 7 else WITHHELD


def id_check_digit(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of a resident ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def clean_id_number(raw) -> str:
    if _number(raw) or _SCIENTIFIC.match(str(raw).strip()):
        shown = f"{raw:.5E}" if _number(raw) else str(raw).strip()
        raise ValueError(
            f"身份证号被 Excel 存成了数字（显示为「{shown}」），末几位可能已经丢失；请将该列设置为文本格式后重新录入"
        )
    code = _code(raw)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", code):
        raise ValueError(f"身份证号「{raw}」应为 18 位（末位可为 X）")
    try:
        dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        raise ValueError(f"身份证号「{raw}」中的出生日期无效") from None
    if id_check_digit(code[:17]) != code[17]:
        raise ValueError(f"身份证号「{raw}」校验位错误（GB 11643）")
    return code


def id_number_says(code: str) -> dict:
    """What a resident ID number (GB 11643) says of its holder, by the ontology's property names.

    >>> id_number_says("330302198503120015")
    {'birth_year': 1985, 'gender': '男'}
    """
    return {"birth_year": int(code[6:10]), "gender": "男" if int(code[16]) % 2 else "女"}


def credit_check_char(first17: str) -> str:
    """GB 32100 check character of the first 17 characters of a unified social credit code."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def clean_credit_code(raw) -> str:
    code = _code(raw)
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        raise ValueError(f"统一社会信用代码「{raw}」应为 18 位数字或大写字母（不含 I、O、Z、S、V）")
    if credit_check_char(code[:17]) != code[17]:
        raise ValueError(f"统一社会信用代码「{raw}」校验位错误（GB 32100）")
    return code


def clean_list(raw) -> list[str]:
    items = raw if isinstance(raw, (list, tuple)) else _SEPARATORS.split(_nfkc(str(raw)))
    return [_nfkc(str(item)).strip() for item in items if str(item).strip()]


def fold_word(raw) -> str:
    """A vocabulary word as compared: full-width folded, no blanks anywhere."""
    return _BLANKS.sub("", unicodedata.normalize("NFKC", str(raw)))


class UnknownWord(ValueError):
    """A word outside a vocabulary; ``word`` is the cell as it would be kept."""

    def __init__(self, message: str, word: str):
        super().__init__(message)
        self.word = word


def clean_enum(raw, values: Sequence[str], aliases: dict[str, str] | None = None) -> str:
    """One of ``values``, or the value an alias stands for (``aliases`` maps folded aliases
    to values): rosters use the official wording, an older one or a short form, sometimes
    with a remark in brackets.

    >>> clean_enum(" 新媒体人士 ", ["新媒体从业人员"], {"新媒体人士": "新媒体从业人员"})
    '新媒体从业人员'
    >>> clean_enum("区级（示范点）", ["区级", "市级"])
    '区级'
    """
    for word in dict.fromkeys((fold_word(raw), _NOTE.sub("", fold_word(raw)))):
        for value in values:
            if fold_word(value) == word:
                return value
        if aliases and word in aliases:
            return aliases[word]
    kept = unicodedata.normalize("NFKC", str(raw)).strip()
    raise UnknownWord(f"「{raw}」不是可选值，应为：{'、'.join(values)}", kept)


WITHHELD = "（已隐藏）"


def _mask_phone(value: str) -> str:
    """The carrier prefix and the last four digits: four hidden, 10,000 numbers possible."""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else WITHHELD


def _mask_id_number(value: str) -> str:
    """The region prefix only.  Showing the last four too, beside the birth year and gender a
    viewer sees, would leave only the birthday hidden: 366 numbers, not enough."""
    return value[:6] + "*" * 12 if len(value) >= 10 else WITHHELD


@dataclass(frozen=True)
class ValueType:
    """What one value type means everywhere: how a roster cell is cleaned, what the blank
    workbook tells staff, how RDF and ``neo4j-admin import`` type it, how a sensitive
    value is shown to a role that may not see it, and the pattern exports hold to."""

    name: str
    clean: Callable
    meaning: str  # the blank workbook's 填写说明
    example: str = ""
    xsd: str | None = "string"  # XSD datatype; None: text in Chinese (a language-tagged string)
    admin: str | None = None  # neo4j-admin import type, when not a string
    text_cell: bool = False  # digits that Excel must keep as typed (leading zeros, 18 places)
    mask: Callable[[str], str] | None = None  # None: a sensitive value is withheld whole
    pattern: str | None = None  # what an exported value (or its mask) looks like, for SHACL

    def masked(self, value) -> str | None:
        """``value`` as a role that may not see it sees it.

        >>> VALUE_TYPES["phone"].masked("13812345678"), VALUE_TYPES["string"].masked("群众")
        ('138****5678', '（已隐藏）')
        """
        if value is None:
            return None
        return self.mask(str(value)) if self.mask else WITHHELD


DATE_FORMATS = "2024-03-05、2024/3/5、2024.3.5 或 2024年3月5日（也可用 Excel 的日期格式）"

VALUE_TYPES: dict[str, ValueType] = {
    t.name: t
    for t in (
        ValueType("id", clean_id, "编号，在整个图库中唯一，其他名册用它指向这一行", text_cell=True),
        ValueType("string", _text, "文字"),
        ValueType("text", _text, "文字", xsd=None),
        ValueType("name", clean_name, "名称（全角、半角均可）", xsd=None),
        ValueType("integer", clean_integer, "整数", "3", xsd="integer", admin="int"),
        ValueType("year", clean_year, "四位年份", "1985", xsd="gYear", admin="int"),
        ValueType("date", clean_date, f"日期：{DATE_FORMATS}", "2024-03-05", xsd="date"),
        ValueType("bool", clean_bool, "是 或 否", "是", xsd="boolean", admin="boolean"),
        ValueType(
            "phone",
            clean_phone,
            "11 位大陆手机号（可带 +86、空格或横线）",
            "13800138000",
            text_cell=True,
            mask=_mask_phone,
            pattern=r"^(1[3-9][0-9]{9}|1[0-9]{2}\*{4}[0-9]{4})$",
        ),
        ValueType(
            "landline",
            clean_landline,
            "固定电话（可带区号和分机，如 0577-88812345）",
            "0577-88812345",
            text_cell=True,
            mask=_mask_landline,
            pattern=r"^(0[0-9]{2,3}-)?([0-9]{7,8}(-[0-9]{1,6})?|\*{4}[0-9]{3})$",
        ),
        ValueType(
            "id_number",
            clean_id_number,
            "18 位居民身份证号（末位可为 X，校验位会核对）",
            "33030219850312001" + id_check_digit("33030219850312001"),
            text_cell=True,
            mask=_mask_id_number,
            pattern=r"^([0-9]{17}[0-9X]|[0-9]{6}\*{12})$",
        ),
        ValueType(
            "credit_code",
            clean_credit_code,
            "18 位统一社会信用代码（校验位会核对）",
            "91330302MA2L3K4X0" + credit_check_char("91330302MA2L3K4X0"),
            text_cell=True,
        ),
        ValueType("list", clean_list, "可填多项，用顿号、逗号或分号分隔", "区人大代表、区政协委员", admin="string[]"),
        ValueType("enum", clean_enum, "从下拉列表中选择"),
    )
}


def clean(type_name: str, raw, values: Sequence[str] = (), aliases: dict[str, str] | None = None):
    """Clean ``raw`` as ``type_name``; enums check against ``values`` and their ``aliases``."""
    if type_name == "enum":
        return clean_enum(raw, values, aliases)
    return VALUE_TYPES[type_name].clean(raw)


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())
