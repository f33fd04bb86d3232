"""docparse's speed beside the floor and beside its peers (issue 7).

    python -m bench                 # full run: docx, pdf, memory, cold start
    python -m bench --quick         # a smoke run: fewer repetitions
    python -m bench --only docx --reps 9

See ``bench/__main__.py`` for the options and README.md for how to read the table.
"""
