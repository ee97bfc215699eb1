"""Properties of the cell readers: every documented date spelling, numbers, and text that survives
a trip through a worksheet (so that an unchanged export imports as no change)."""

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.datetime import to_excel

from reformledger.core.exporters import safe_text as sheet_safe
from reformledger.reforms.ledger.cells import as_number, as_text, parse_date, same_text
from reformledger.reforms.ledger.format import SHEET_TITLE

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


@given(dates)
def test_every_documented_date_spelling_reads_back(day):
    spellings = [
        day,
        dt.datetime.combine(day, dt.time()),
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f" {day.isoformat()} 00:00:00 ",
        to_excel(day),  # a date cell whose format was lost: the serial number
    ]
    for spelling in spellings:
        assert parse_date(spelling) == day, spelling


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()))
def test_date_reader_only_ever_raises_value_error(value):
    try:
        result = parse_date(value)
    except ValueError:
        return
    assert result is None or isinstance(result, dt.date)


@given(st.integers(min_value=0, max_value=100))
def test_progress_reads_numbers_and_percent_text(number):
    for spelling in (number, float(number), str(number), f"{number}%", f"{number}.0", f"{number}％"):
        assert as_number(spelling) == number


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_date_is_none(blank):
    assert parse_date(blank) is None


def _through_a_sheet(text: str):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    cell = WriteOnlyCell(sheet, sheet_safe(text))
    cell.data_type = "s"
    sheet.append([cell])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    read = load_workbook(buffer, read_only=True, data_only=True)
    return next(read.worksheets[0].iter_rows(values_only=True))[0]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_text_comes_back_from_a_sheet_as_the_same_text(text):
    """What the export writes, the import reads as equal (line endings and outer spaces aside)."""
    expected = sheet_safe(text)
    assert same_text(as_text(_through_a_sheet(text)), expected)
