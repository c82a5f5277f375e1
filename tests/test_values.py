"""Cleaning types: what staff type in, what the graph keeps, and the reason when it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.values import clean, clean_date, clean_id_number, credit_check_char, id_check_digit


@pytest.mark.parametrize(
    "type_, raw, expected",
    [
        ("phone", "+86 138-0013-8000", "13800138000"),
        ("phone", "１３８００１３８０００", "13800138000"),
        ("date", "2024/3/5", "2024-03-05"),
        ("date", "2024.3.5", "2024-03-05"),
        ("date", "2024年3月5日", "2024-03-05"),
        ("date", dt.datetime(2024, 3, 5, 0, 0), "2024-03-05"),
        ("bool", "否", False),
        ("bool", "Yes", True),
        ("name", " 张\u3000伟 ", "张伟"),
        ("name", "Li  Ming", "Li Ming"),
        ("list", "区人大代表、区政协委员；市政协委员", ["区人大代表", "区政协委员", "市政协委员"]),
        ("id_number", "11010519491231002x", "11010519491231002X"),
        ("credit_code", "91350100M000100Y43", "91350100M000100Y43"),
        ("year", "1985年", 1985),
        ("id", "Ｐ００１", "P001"),
    ],
)
def test_values_are_normalised(type_, raw, expected):
    assert clean(type_, raw) == expected


@pytest.mark.parametrize(
    "type_, raw, reason",
    [
        ("phone", "0577-88888888", "11 位大陆手机号码"),
        ("phone", "12800138000", "11 位大陆手机号码"),
        ("date", "2024-02-30", "无法识别"),
        ("date", "去年", "无法识别"),
        ("bool", "也许", "是 或 否"),
        ("id_number", "110105194912310021", "校验位错误"),
        ("id_number", "110105194913310020", "出生日期无效"),
        ("id_number", "1101051949", "18 位"),
        ("credit_code", "91350100M000100Y44", "校验位错误"),
        ("credit_code", "91350100M000100YO3", "18 位"),
        ("year", "1800", "1900–2100"),
        ("id", "P 1", "空格"),
    ],
)
def test_bad_values_say_why(type_, raw, reason):
    with pytest.raises(ValueError, match=reason):
        clean(type_, raw)


def test_enums_list_what_is_allowed():
    with pytest.raises(ValueError, match="孵化型、联盟型"):
        clean("enum", "创新型", ["孵化型", "联盟型"])


def test_check_characters_make_valid_codes():
    assert clean("id_number", "33030219850312001" + id_check_digit("33030219850312001"))
    assert clean("credit_code", "91330302MA2L3K4X0" + credit_check_char("91330302MA2L3K4X0"))


@pytest.mark.parametrize("cell", [330302198503120015, 3.30302198503120e17, "3.30302E+17", "3.30302e17"])
def test_an_id_number_excel_stored_as_a_number_is_refused_even_when_its_check_digit_fits(cell):
    with pytest.raises(ValueError, match="文本") as refused:
        clean_id_number(cell)
    assert "3.30302" in str(refused.value)  # what staff see in the cell (Excel shows 3.30302E+17)


@pytest.mark.parametrize(
    "cell, day",
    [
        ("2023-05-01 00:00:00", "2023-05-01"),
        ("2023-05-01T08:30", "2023-05-01"),
        (45047, "2023-05-01"),
        ("45047", "2023-05-01"),
        (45047.0, "2023-05-01"),
        ("2023.5", "2023-05"),
        ("2023年5月", "2023-05"),
        ("2023-05", "2023-05"),
    ],
)
def test_dates_as_staff_and_excel_write_them(cell, day):
    assert clean_date(cell) == day


@pytest.mark.parametrize("cell", ["2023.13", "2023年", "12345", 99999, "5月1日"])
def test_what_is_no_date_is_refused(cell):
    with pytest.raises(ValueError, match="无法识别"):
        clean_date(cell)
