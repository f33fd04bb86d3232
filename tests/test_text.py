from decimal import Decimal

import pytest

from docparse.text import NotANumber, clean, fold, parse_amount, parse_int, squash


@pytest.mark.parametrize("text, expected", [
    ("9692.786137", "9692.786137"),
    ("9584.256820", "9584.256820"),      # trailing zeros are printed digits: kept
    ("0", "0"),
    ("0.00", "0.00"),
    ("９６９２．７８", "9692.78"),          # full-width digits and point
    ("1,234,567.89", "1234567.89"),
    ("1，234.5", "1234.5"),              # full-width comma as separator
    (" 46.645732 \n", "46.645732"),
    ("-12.5", "-12.5"),
    ("－12.5", "-12.5"),                 # full-width minus
    ("(12.50)", "-12.50"),               # accounting negative
    ("4.2150万元", "4.2150"),
    ("356元", "356"),
])
def test_parse_amount_exact(text, expected):
    d = parse_amount(text)
    assert isinstance(d, Decimal)
    assert format(d, "f") == expected


@pytest.mark.parametrize("text", [None, "", "  ", "-", "—", "/", "无", "……"])
def test_empty_amounts_are_none_not_zero(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["abc", "12.3.4", "约100", "1e5"])
def test_not_a_number(text):
    with pytest.raises(NotANumber):
        parse_amount(text)


def test_parse_int():
    assert parse_int("38") == 38
    assert parse_int("５２人") == 52
    assert parse_int("") is None
    with pytest.raises(NotANumber):
        parse_int("三十八")


def test_fold_matches_broken_labels():
    assert fold("公共财\n\n政拨款") == fold("公共财政拨款")
    assert fold("因公出国（境）费") == "因公出国(境)费"
    assert fold("姓  名") == "姓名"
    assert fold("“三公”经费") == '"三公"经费'


def test_clean_and_squash():
    assert clean("  a \n\n  b  \n") == "a\nb"
    assert clean("   \n ") is None
    assert squash("邹  文") == "邹文"
    assert squash("金\u3000文") == "金文"
