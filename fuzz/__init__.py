"""Fuzzing docparse with mutated golden files.

    python -m fuzz --runs 20000 --seed 1            # the long run (README)
    python -m fuzz --runs 300 --seed 7 --workers 2  # a quick look

Each case is a golden .docx or .pdf mutated at container level (zip members,
declared sizes, compressed bytes; PDF bytes, xref offsets, streams, object
references) or content level (XML elements, DOCTYPE/entities, nesting,
gridSpan/vMerge values, numbers). A case passes when ``docparse.extract``
returns a Report or raises a ``DocparseError`` within the time limit, in a
worker process whose address space is capped. Anything else is written to
``fuzz/crashes/`` with the reason, to be replayed with ``python -m fuzz
--replay FILE``.
"""
