"""cartrepro.build.kernels.quick_output_checks: the build's check of each kernel output (nbclient ->
nbformat.v4.new_output) accepts and refuses what nbformat's own check does, with nbformat's error, and
changes no output."""

import copy

import nbformat
import nbformat.v4.nbbase as nbbase
import pytest

from cartrepro.build.kernels import quick_output_checks

VALID = [
    {"output_type": "stream", "name": "stdout", "text": "P = 0.048\n"},
    {"output_type": "stream", "name": "stderr", "text": ["a warning\n", "and more\n"]},
    {"output_type": "display_data", "metadata": {"cartrepro": {"figure": "km", "synthetic": True}},
     "data": {"text/html": "<figure>...</figure>", "text/plain": "<Figure>"}},
    {"output_type": "display_data", "metadata": {}, "data": {"application/papermill.record/text/plain": "0.5",
                                                           "image/png": "iVBORw0KGgo="}},
    {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "42"}},
    {"output_type": "error", "ename": "ValueError", "evalue": "no", "traceback": ["Traceback", "ValueError"]},
]
INVALID = [
    {"output_type": "stream", "name": "stdout"},  # no text
    {"output_type": "stream", "name": 3, "text": "x"},  # name not a string
    {"output_type": "display_data", "data": {}},  # no metadata
    {"output_type": "execute_result", "execution_count": "3", "metadata": {}, "data": {}},  # count not an int
    {"output_type": "error", "ename": "E", "evalue": "e"},  # no traceback
    {"output_type": "made_up", "metadata": {}},
    {"output_type": "stream", "name": "stdout", "text": "x", "extra": 1},  # no other field
]


def own_verdict(output: dict) -> str | None:
    try:
        nbformat.validate(nbformat.from_dict(copy.deepcopy(output)), ref="output", version=4)
    except nbformat.ValidationError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("output", VALID + INVALID)
def test_the_same_verdict_and_message_and_no_output_changed(output):
    assert quick_output_checks()
    expected = own_verdict(output)
    assert (expected is None) == (output in VALID)
    node = nbformat.from_dict(copy.deepcopy(output))
    if expected is None:
        assert nbbase.validate(node, "output") is None
    else:
        with pytest.raises(nbformat.ValidationError) as raised:
            nbbase.validate(node, "output")
        assert str(raised.value) == expected
    assert node == output


def test_new_output_goes_through_the_quick_check():
    assert quick_output_checks() and quick_output_checks()  # once per process, then a no-op
    made = nbformat.v4.new_output("display_data", data={"text/html": "<p>x</p>"}, metadata={"a": 1})
    assert made == {"output_type": "display_data", "data": {"text/html": "<p>x</p>"}, "metadata": {"a": 1}}
    assert "output" in nbbase.validate._cartrepro_compiled
    with pytest.raises(nbformat.ValidationError):
        nbformat.v4.new_output("stream", name="stdout", text=5)
