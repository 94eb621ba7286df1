"""The terminal app (Textual). Imported only by `reviewer tui` and `reviewer demo`."""
