"""Generated reports of every layout variant: extraction equals what was generated.

The long version, with PDFs, is ``python -m golden.roundtrip --n 40 --pdf``.
"""

import pytest

import docparse

synth = pytest.importorskip("golden.synth")
roundtrip = pytest.importorskip("golden.roundtrip")


@pytest.mark.parametrize("spec", synth.generate(24, 2024), ids=lambda s: s.case_id)
def test_generated_docx_round_trip(spec):
    report = docparse.extract(synth.build_docx(spec)).model_dump(mode="json")
    n, failed = roundtrip.compare(report, spec)
    assert n > 30 and failed == []
