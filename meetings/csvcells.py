"""CSV cells that a spreadsheet shows as text, never runs as a formula.

OWASP's advice against CSV injection: a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (``=HYPERLINK(...)`` sends the reader elsewhere),
so it gets a leading single quote, which they show as text. Plain Python, no
Django: the items CSV and any other export use it.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` as a cell: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def joined(values, separator=";"):
    """Several values in one cell, each neutralised.

    A spreadsheet that splits on ``separator`` (semicolons, in many locales)
    must not find a formula in the parts either.
    """
    return separator.join(neutralise(value) for value in values)
