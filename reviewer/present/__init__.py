"""What every face shows: a scoring result in words and numbers (``result``), and text for
terminals (``text``: display widths, aligned tables, Japan time)."""
