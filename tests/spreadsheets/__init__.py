import pytest

# The row comparisons live in sheets.py: show their differences as pytest does in a test.
pytest.register_assert_rewrite("tests.spreadsheets.sheets")
