"""Files shipped with perfgoals-xl (sample workbooks, templates, the add-in sources): inside the installed
wheel under `_bundled/`, or in a source checkout beside the package."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def resource_dirs(bundled: str, checkout: str, *, checkout_first: bool = False) -> list[Path]:
    """Where a resource folder may be, in the order to try: `_bundled/<bundled>` and `<checkout>`."""
    found = [PACKAGE / "_bundled" / bundled, CHECKOUT / checkout]
    return found[::-1] if checkout_first else found
