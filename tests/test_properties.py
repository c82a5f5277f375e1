"""Properties of every cleaner and reader, on inputs hypothesis makes up.

A cleaner either returns the normal form or raises ``ValueError`` with a reason (the row
mapper turns it into a cell error); it gives the same answer for the full-width spelling
of a value and for its own output.  The checksums agree with python-stdnum.  A reader
given any bytes returns tables or raises ``ValidationFailed``, nothing else.
Longer: ``pytest tests/test_properties.py --hypothesis-profile=full``.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from graph.embedded import EmbeddedStore
from graph.errors import ValidationFailed
from graph.masking import mask
from graph.names import fold_query, name_keys
from graph.values import (
    VALUE_TYPES,
    clean_bool,
    clean_credit_code,
    clean_date,
    clean_enum,
    clean_id,
    clean_id_number,
    clean_integer,
    clean_list,
    clean_name,
    clean_phone,
    clean_year,
    credit_check_char,
    id_check_digit,
)
from ingest.pipeline import ingest
from ingest.readers import read_file
from tests.conftest import write_csv

SAMPLE_DIR = Path(__file__).parents[1] / "data" / "sample"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LUCHENG = "330302"  # 鹿城区: a birth place python-stdnum knows
cells = st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.dates(), st.none())
digits = st.text("0123456789", min_size=1, max_size=12)


def fullwidth(text: str) -> str:
    """What a Chinese input method types: ASCII as its full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def cleaned_or_refused(cleaner, raw):
    """The cleaner's answer, or None when it refused with a ValueError (anything else fails)."""
    try:
        return cleaner(raw)
    except ValueError as refused:
        assert str(refused), "a refusal says why"
        return None


@pytest.mark.parametrize("type_", sorted(set(VALUE_TYPES) - {"enum"}))
@given(raw=cells)
@example(raw="inf")
@example(raw="1e400")
@example(raw="nan")
@example(raw=float("inf"))
@example(raw="٢٠٢٤")
def test_every_cleaner_returns_or_says_why(type_, raw):
    value = cleaned_or_refused(VALUE_TYPES[type_].clean, raw)
    if value is not None and type_ not in ("string", "text", "list"):
        assert cleaned_or_refused(VALUE_TYPES[type_].clean, value) == value, "cleaning is idempotent"


@pytest.mark.parametrize(
    "type_", ["id", "name", "integer", "year", "date", "bool", "phone", "id_number", "credit_code", "list"]
)
@given(raw=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30))
def test_full_width_input_cleans_like_ascii(type_, raw):
    assert cleaned_or_refused(VALUE_TYPES[type_].clean, fullwidth(raw)) == cleaned_or_refused(
        VALUE_TYPES[type_].clean, raw
    )


@given(raw=st.text())
def test_ids_have_no_blanks_and_are_stable(raw):
    value = cleaned_or_refused(clean_id, raw)
    if value is not None:
        assert value == value.strip() and not any(c.isspace() for c in value)


@given(raw=st.text())
def test_names_are_trimmed_single_spaced_and_han_runs_joined(raw):
    name = cleaned_or_refused(clean_name, raw)
    if name is None:  # only a name that lost characters to an encoding is refused
        assert "?" in unicodedata.normalize("NFKC", raw) or "\ufffd" in raw
        return
    assert name == name.strip() and "  " not in name
    assert clean_name(name) == name


@given(number=st.integers(-(10**12), 10**12))
def test_integers_round_trip_in_any_spelling(number):
    assert clean_integer(str(number)) == number == clean_integer(fullwidth(str(number)))
    assert clean_integer(float(number)) == number


@given(number=st.integers(2**63 - 10, 2**80))
def test_integers_past_64_bits_are_refused(number):
    assert cleaned_or_refused(clean_integer, str(number)) == (number if number < 2**63 else None)
    assert cleaned_or_refused(clean_integer, -number - 1) == (-number - 1 if number < 2**63 else None)


@given(year=st.integers(1000, 3000))
def test_years_are_bounded(year):
    assert cleaned_or_refused(clean_year, f"{year}年") == (year if 1900 <= year <= 2100 else None)


@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_every_accepted_date_spelling_gives_the_iso_date(day):
    iso = day.isoformat()
    for spelling in (
        iso,
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        fullwidth(iso),
    ):
        assert clean_date(spelling) == iso
    assert clean_date(dt.datetime.combine(day, dt.time(9, 30))) == iso


@given(raw=st.text())
def test_dates_are_iso_or_refused(raw):
    value = cleaned_or_refused(clean_date, raw)
    if value is not None:
        assert dt.date.fromisoformat(value).isoformat() == value


@given(word=st.sampled_from(["是", "否", "有", "无", "yes", "no", "Y", "n", "TRUE", "false", "1", "0"]))
def test_yes_and_no_in_both_languages(word):
    assert clean_bool(word) == clean_bool(fullwidth(word)) == (word.lower() in {"是", "有", "yes", "y", "true", "1"})


@given(
    number=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "0086", "86", "+86 "]),
    dashes=st.booleans(),
)
def test_mobile_numbers_in_any_dress_give_eleven_ascii_digits(number, prefix, dashes):
    dressed = prefix + (f"{number[:3]}-{number[3:7]}-{number[7:]}" if dashes else number)
    assert clean_phone(dressed) == clean_phone(fullwidth(dressed)) == number


@given(raw=st.text())
@example(raw="١٣٨٠٠١٣٨٠٠٠")  # Arabic-Indic digits are digits to Python, not to a phone
def test_phones_are_eleven_ascii_digits_or_refused(raw):
    value = cleaned_or_refused(clean_phone, raw)
    assert value is None or (value.isascii() and value.isdigit() and len(value) == 11)


@given(first17=st.text("0123456789", min_size=17, max_size=17))
def test_id_check_digit_agrees_with_stdnum(first17):
    assert id_check_digit(first17) == ric.calc_check_digit(first17 + "?")  # stdnum takes the whole number


@given(number=st.text("0123456789X", min_size=18, max_size=18) | st.text(min_size=0, max_size=20))
@example(number="١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")
def test_id_numbers_are_accepted_exactly_when_stdnum_accepts_their_form(number):
    ours = cleaned_or_refused(clean_id_number, number)
    assert (ours is not None) == _stdnum_accepts_id(number)


def _stdnum_accepts_id(number: str) -> bool:
    """stdnum's checks without the birth place, which it looks up in its own table of
    regions by year of birth (we do not: people move, counties are renamed)."""
    if len(number) != 18 or not (number[:17].isascii() and number[:17].isdigit()):
        return False
    try:
        ric.get_birth_date(number)
    except ValueError:
        return False
    return ric.calc_check_digit(number) == number[-1]


@given(birth=st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31)), serial=st.text("0123456789", min_size=3, max_size=3))
def test_made_id_numbers_pass_both(birth, serial):
    first17 = LUCHENG + birth.strftime("%Y%m%d") + serial
    number = first17 + id_check_digit(first17)
    assert clean_id_number(number.lower()) == number and _stdnum_accepts_id(number)


@given(first17=st.text(CREDIT_ALPHABET, min_size=17, max_size=17))
def test_credit_check_char_agrees_with_stdnum(first17):
    assert credit_check_char(first17) == uscc.calc_check_digit(first17)


@given(
    code=st.text("0123456789", min_size=8, max_size=8).flatmap(
        lambda head: st.text(CREDIT_ALPHABET + "IOZSV", min_size=10, max_size=10).map(lambda tail: head + tail)
    )
)
def test_credit_codes_are_accepted_exactly_when_stdnum_accepts_them(code):
    assert (cleaned_or_refused(clean_credit_code, code) is not None) == uscc.is_valid(code)


@given(raw=st.text())
def test_lists_hold_trimmed_items_without_separators(raw):
    for item in clean_list(raw):
        assert item == item.strip() and item and not set(item) & set("、,;，；")


@given(
    values=st.lists(
        st.text(min_size=1).map(lambda v: unicodedata.normalize("NFKC", v).strip()).filter(bool),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    data=st.data(),
)
def test_enums_accept_their_values_and_refuse_the_rest(values, data):
    for value in values:
        assert clean_enum(value, values) == value
    value = cleaned_or_refused(lambda r: clean_enum(r, values), data.draw(st.text()))
    assert value is None or value in values


@given(name=st.text())
def test_name_keys_are_lower_case_latin(name):
    keys = name_keys(name, person=True)
    assert keys["pinyin"].isascii() and keys["pinyin"] == keys["pinyin"].lower()
    assert keys["pinyin"] == "" or keys["pinyin"].isalnum()
    assert len(keys["initials"]) <= len(keys["pinyin"])
    assert fold_query(fold_query(name)) == fold_query(name)


@given(phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), depth=st.integers(0, 3))
def test_masking_hides_personal_information_at_any_depth(phone, depth):
    first17 = LUCHENG + "19850312" + phone[-3:]
    number = first17 + id_check_digit(first17)
    answer = {"phone": phone, "id_number": number, "political_status": "中共党员", "name": "张伟"}
    for _ in range(depth):
        answer = {"nodes": [answer], "center": answer}
    text = repr(mask(answer))
    assert phone not in text and number not in text and "中共党员" not in text and "张伟" in text


# -- readers ------------------------------------------------------------------------


def read_or_refuse(path: Path):
    try:
        return read_file(path)
    except ValidationFailed as refused:
        assert refused.errors and all(e.file == path.name for e in refused.errors)
        return None


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".tsv", ".txt", ".json", ".xlsx", ".xlsm"]))
def test_readers_given_random_bytes_read_or_refuse(tmp_path, data, suffix):
    path = tmp_path / f"名册{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


def _workbook_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "人员"
    for row in (SAMPLE_DIR / "人员.csv").read_text(encoding="utf-8").splitlines()[:40]:
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK = _workbook_bytes()
SAMPLE_CSV = (SAMPLE_DIR / "人员.csv").read_bytes()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1, exclude_max=True), kind=st.sampled_from(["csv", "xlsx"]))
def test_truncated_files_read_or_refuse(tmp_path, cut, kind):
    data = WORKBOOK if kind == "xlsx" else SAMPLE_CSV
    path = tmp_path / f"人员.{kind}"
    path.write_bytes(data[: int(len(data) * cut)])
    tables = read_or_refuse(path)
    if kind == "xlsx":
        assert tables is None, "a cut workbook is refused"


@settings(deadline=None)
@given(
    encoding=st.sampled_from(
        [
            "utf-8",
            "utf-8-sig",
            "gbk",
            "gb18030",
            "utf-16",
            "utf-16-le",
            "utf-16-be",
            "utf-32",
            "big5",
            "shift_jis",
            "euc-kr",
            "latin-1",
            "cp1252",
            "koi8-r",
        ]
    ),
    lines=st.integers(1, 30),
)
def test_odd_encodings_read_right_or_are_refused(encoding, lines):
    """Staff's encodings read right; any other is refused before anything is written, by
    the reader or, when it decodes to nonsense, by the headers no template has."""
    text = "\n".join(SAMPLE_CSV.decode("utf-8-sig").splitlines()[: lines + 1])
    with tempfile.TemporaryDirectory() as where:
        folder = Path(where) / "rosters"
        folder.mkdir()
        (folder / "人员.csv").write_bytes(text.encode(encoding, errors="replace"))
        tables = read_or_refuse(folder / "人员.csv")
        if encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"):
            assert tables is not None and tables[0].headers == text.splitlines()[0].split(",")
        else:
            with EmbeddedStore(Path(where) / "store") as store:
                assert not ingest(store, [folder]).written
                assert not store.counts()["nodes"].get("Person")


def test_a_workbook_that_is_a_zip_of_something_else_is_refused(tmp_path):
    path = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    assert read_or_refuse(path) is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.integers(0, 999), fullwidth_digits=st.booleans())
def test_one_person_in_two_rosters_is_one_node_however_the_id_number_is_written(
    tmp_path_factory, sequence, fullwidth_digits
):
    """Lowercase x, full-width digits, spaces: the same ID number, the same derived id."""
    first17 = f"33030219850312{sequence:03d}"
    number = first17 + id_check_digit(first17)
    other = number.lower() if number.endswith("X") else number
    other = fullwidth(other) if fullwidth_digits else " ".join([other[:6], other[6:14], other[14:]])
    folder = tmp_path_factory.mktemp("identity")
    with EmbeddedStore(folder / "store") as store:
        for name, written in (("a", number), ("b", other)):
            roster = write_csv(folder / name, "人员.csv", f"姓名,人员类别,身份证号\n张伟,新阶层人士,{written}\n")
            assert ingest(store, [roster]).errors == []
        assert store.counts()["nodes"]["Person"] == 1
