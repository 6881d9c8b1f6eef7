"""What the executed notebooks of a build show besides their results: a warning or any other text a notebook
wrote to stderr would be printed on its page (with the paths of the machine that built it)."""

from __future__ import annotations

import json
from pathlib import Path


def stderr_outputs(out_dir: Path) -> list[str]:
    """``"<notebook>: <first line>"`` for every stderr stream output of the build's executed notebooks."""
    found = []
    for executed in sorted((Path(out_dir) / ".cache" / "notebooks").glob("*.ipynb")):
        for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                    found.append(f"{executed.stem}: {text.strip().splitlines()[0] if text.strip() else '(blank)'}")
    return found
