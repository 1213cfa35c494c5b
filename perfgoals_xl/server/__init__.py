"""The bureau server (`perfgoals-xl serve`, extra `[server]`): the ribbon's handlers behind xlwings'
`custom-scripts-call` endpoint, for Excel clients without Python (VBA `RunServerPython`, Office.js)."""

import os

# xlwings' remote engine (PolyForm Noncommercial; use by a government institution is a permitted purpose)
# registers only if this is set before xlwings is first imported — by any module of this package.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
