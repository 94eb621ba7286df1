"""The chair's views, one module each: the chair's screen (``screens/chair.py``) switches between
them and tells each what to show; a view reads nothing by itself but through the chair's
services it is given."""
