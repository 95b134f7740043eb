"""Write the schemas' ahead-of-time validators into src/balprov/compiled_schemas/ (`make schemas`)."""

from __future__ import annotations

import sys
from pathlib import Path

from balprov.compiled_schemas import MODULES, generate
from balprov.validation.schema_check import inline_refs

OUT = Path(__file__).resolve().parent.parent / "src" / "balprov" / "compiled_schemas"


def sources() -> dict[Path, str]:
    """Generated file -> its expected text (the cabinet schema with its `$ref`s inlined, as at run time)."""
    return {
        OUT / f"{module}.py": generate(name, inline_refs if name == "cabinet.schema.json" else None)
        for name, module in MODULES.items()
    }


def main() -> int:
    for path, text in sources().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(OUT.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
