"""Random project / Sichuan forms: extraction equals what was generated.

The long version: ``python -m golden.forms_roundtrip --n 200 --seed 1 [--pdf]``.
Skips without ../shared (the comparer is the scorer's own).
"""

import pytest

rt = pytest.importorskip("golden.forms_roundtrip")
if rt.load_scorer() is None:
    pytest.skip("../shared/tools/score not found", allow_module_level=True)

import docparse  # noqa: E402
from golden.synth import forms as F  # noqa: E402
from golden.synth.docwriter import document_docx  # noqa: E402

SEEDS = [100000 + i for i in range(20)]


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_form_docx_round_trip(seed):
    fs = F.generate_file(seed)
    truth = F.file_expected(fs)
    out = docparse.extract(document_docx(F.file_blocks(fs))).model_dump(mode="json")
    n, bad, missed, false = rt.compare(truth, out)
    assert n > 30 and bad == [] and missed == [] and false == []
