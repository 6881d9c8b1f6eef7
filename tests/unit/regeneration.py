"""Regenerating a shipped cohort once per test module: ``write`` into a folder, keeping what ``generate`` made."""

import pytest


def write_keeping_generation(module, folder):
    """``module.write(folder)`` and the (table, report) its one call of ``module.generate`` returned."""
    made = []
    real = module.generate

    def generate(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "generate", generate)
        written = module.write(folder)
    assert len(made) == 1
    return written, made[0]
