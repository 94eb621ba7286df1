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
