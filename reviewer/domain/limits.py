"""Bounds on the numbers and texts any input may hold (checked before any arithmetic)."""

#: Yen amounts above this are refused as absurd (10 兆円).
MAX_YEN = 10**13
#: The longest text of one field (a narrative section, a comment).
MAX_TEXT = 200_000
#: The longest note on one criterion of a score sheet (SPEC §6.3).
MAX_NOTE = 2_000
#: The most digits of each number in a ratio ("1/2", "0.15"); Fraction("1e-999999999")
#: would build a huge integer, so the form is checked before any arithmetic.
MAX_RATIO_DIGITS = 9

#: Resamples of the sheets that say how sure the ranking is (SPEC §6.6): what the front ends draw
#: unless told, and the most they draw.
DEFAULT_RESAMPLES = 1000
MAX_RESAMPLES = 100_000

#: Submitted files (SPEC §6.2): the largest one file may be (the seeds' mail limit, 10ＭＢ), the
#: most pages, slides or sheets one may have, and the zip container's bounds (entries, the size
#: all its members take unpacked, and how many times the packed size that may be), so a zip bomb
#: or a PDF of thousands of pages is refused before it is read.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_PAGES = 500
MAX_ZIP_ENTRIES = 5_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
#: The most characters of text kept from one attachment (the rest is cut, and said so).
MAX_ATTACHMENT_TEXT = 1_000_000
#: The most cells of an Excel sheet kept as a table (rows × columns).
MAX_SHEET_CELLS = 50_000
