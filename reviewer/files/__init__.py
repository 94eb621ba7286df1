"""Input files: TOML in, domain models and located ``Problem``s out.

``toml`` parses (bounded) and locates keys, ``models`` validates one file as its kind,
``kinds`` checks the files of each kind against each other, and ``load`` reads a set of
files and folders through them (``load_paths``). ``problems`` holds ``Problem``.
"""
