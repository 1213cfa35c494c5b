"""Drawing a Plan of marks through xlwings in batches (conditional formats, notes, 校验结果, our names) and
clearing exactly ours. Only desktop Excel can list conditional formats; the remote engine clears the recorded
row blocks, then draws a form's native twins there again (excel/forms.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from xlwings.utils import hex_to_rgb, rgb_to_int

from perfgoals_xl.core.grid import address
from perfgoals_xl.core.marks import (
    FILL_COLORS,
    MARKER,
    MARKER_FORMULAS,
    NOTE_PREFIX,
    NOTES_NAME,
    VALUES_NAME,
    WARNING_PATTERN,
    WRITTEN_NAME,
    Plan,
    absolute,
    area_cells,
    is_registry_name,
    is_value_name,
    parse_refers_to,
    quote_sheet,
    registry_names,
    still_written,
    union_addresses,
    written_values,
)
from perfgoals_xl.excel.app import (
    can_add_notes,
    on_com,
    remote_client,
)
from perfgoals_xl.excel.forms import redraw_cleared
from perfgoals_xl.excel.read import is_results_sheet, name_list
from perfgoals_xl.excel.results import draw_results

XL_PATTERN = {"lightGray": -4124}  # OOXML pattern → XlPattern (xlPatternGray25)
NO_NOTES = "　（此 Excel 通过服务器校验，无法添加批注：每处问题的说明见下表）"
# A VBA sub of the server flavour of perfgoals.xlam (cli/addin_server.py), run through xlwings' `runMacro`:
# the VBA client's `nameDelete` matches a name by its formula text, which the client never sent.
DELETE_NAME_MACRO = "PerfgoalsDeleteName"


def draw(book: Any, plan: Plan) -> None:
    """Fills, notes, the results sheet and the registry names, in as few calls as the host allows.

    The names are recorded first, so marks drawn before a failure half-way can still be cleared. A client
    without notes (xlwings' VBA client) gets none, and the 校验结果 sheet says so."""
    if can_add_notes(book):
        free = [n for n in plan.notes if book.sheets[n.sheet].range(n.cell).note is None]  # never a user's
    else:
        free, plan = [], replace(plan, summary=plan.summary + NO_NOTES)
    to_draw = replace(plan, notes=free)
    for name, refers_to in registry_names(to_draw).items():
        add_name(book, name, refers_to)
    _draw_fills(book, plan)
    draw_notes(book, to_draw)
    draw_results(book, plan)


def _draw_fills(book: Any, plan: Plan) -> None:
    groups: dict[tuple[str, str], list[str]] = {}
    for block in plan.blocks:
        groups.setdefault((block.sheet, block.severity), []).append(block.ref)
    for (sheet_name, severity), refs in groups.items():
        sheet = book.sheets[sheet_name]
        # desktop Excel colours many blocks per call through union addresses; the remote engine one per block
        for ref in union_addresses(refs) if on_com(book) else refs:
            rule = sheet.range(ref).conditional_formats.add_custom(
                MARKER_FORMULAS[severity], fill_color=FILL_COLORS[severity]
            )
            if on_com(book):
                rule.impl.api.SetLastPriority()  # xlwings puts new rules first: the user's own colours win
                if severity == "warning":  # dotted, as file mode draws it: a warning survives a grey print
                    rule.impl.api.Interior.Pattern = XL_PATTERN[WARNING_PATTERN[0]]
                    rule.impl.api.Interior.PatternColor = rgb_to_int(hex_to_rgb(WARNING_PATTERN[1]))


def draw_notes(book: Any, plan: Plan) -> None:
    """Notes on cells that have none yet (a user's own note is never replaced)."""
    for note in plan.notes:
        cell = book.sheets[note.sheet].range(note.cell)
        if cell.note is not None:
            continue
        try:
            cell.add_note(note.text)
        except NotImplementedError:
            return  # a client without notes: fills and 校验结果 still show every finding
        if on_com(book):
            cell.note.api.Shape.TextFrame.AutoSize = True  # the whole message, not a clipped box


def refers_to(book: Any, name: Any) -> str:
    """The name's formula. xlwings' VBA client sends only the sheet and address of a range name (A3:H3,A5:H5),
    from which the remote engine cannot build a multi-area formula: built here the way Office.js sends it."""
    if on_com(book) or remote_client(book) != "VBA":
        return name.refers_to or ""
    entry = name.api
    index, areas = entry.get("sheet_index"), entry.get("address")
    if index is None or not areas:
        return ""
    sheet = quote_sheet(book.sheets[index].name)
    return "=" + ",".join(f"{sheet}!{absolute(area)}" for area in areas.split(","))


def delete_name(book: Any, name: Any) -> None:
    if remote_client(book) == "VBA":
        book.api["names"].remove(name.api)
        book.app.macro(DELETE_NAME_MACRO)(name.name)
    else:
        name.delete()


def add_name(book: Any, name: str, refers_to: str) -> None:
    if on_com(book):
        book.api.Names.Add(Name=name, RefersTo=refers_to, Visible=False)  # hidden from Name Manager
    else:
        book.names.add(name, refers_to)


# --- clearing -----------------------------------------------------------------------------------------------


def erase_marks(book: Any, keep_values: bool = False) -> int:
    """Remove what the registry names say we added, the results sheet and the names; count the areas.

    `keep_values`: a new check keeps the totals 计算合计 wrote (and their names, for a later 清除标记). So does
    the VBA client always: it does not send the names recording the values written, and without them a
    total the user has since typed could not be told from ours."""
    cleared = 0
    keep_values = keep_values or remote_client(book) == "VBA"
    ours = [
        n for n in name_list(book) if is_registry_name(n.name) and not (keep_values and is_value_name(n.name))
    ]
    formulas = {n.name: refers_to(book, n) for n in ours}
    sheets = {s.name for s in book.sheets}
    for sheet_name, cell, value in written_values(formulas):
        target = book.sheets[sheet_name].range(cell) if sheet_name in sheets else None
        if target is not None and still_written(target.value, value):
            target.clear_contents()  # a total we computed into an empty cell, not retyped since
            if target.note is not None and (not on_com(book) or target.note.text.startswith(NOTE_PREFIX)):
                target.note.delete()
            cleared += 1
    if on_com(book):
        cleared += sum(_clear_com_rules(sheet) for sheet in book.sheets)
    blocks: list[tuple[str, str]] = []  # rules the remote engine cleared wholesale
    for name in ours:
        base = name.name.split("!")[-1]
        if not base.startswith((VALUES_NAME, WRITTEN_NAME)):
            for sheet_name, ref in parse_refers_to(formulas[name.name]):
                if sheet_name in sheets:
                    sheet = book.sheets[sheet_name]
                    if base.startswith(NOTES_NAME):
                        cleared += _clear_notes(book, sheet, ref)
                    elif not on_com(book):
                        sheet.range(ref).conditional_formats.clear()  # the remote engine cannot list rules
                        blocks.append((sheet_name, ref))
                        cleared += 1
        delete_name(book, name)
    redraw_cleared(book, blocks)  # a form's own twins on those rows are the form's, not ours: back they go
    for sheet in [s for s in book.sheets if is_results_sheet(s)]:
        sheet.delete()
        cleared += 1
    return cleared


def _clear_com_rules(sheet: Any) -> int:
    """Desktop Excel: every rule of ours on the sheet, wherever the user copied marked rows to."""
    ours = [rule for rule in sheet.cells.conditional_formats if MARKER in (rule.formula or "")]
    for rule in reversed(ours):
        rule.delete()
    return len(ours)


def _clear_notes(book: Any, sheet: Any, ref: str) -> int:
    top, left, bottom, right = area_cells(ref)
    cleared = 0
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            cell = sheet.range(address(row, col))
            note = cell.note
            if note is None:
                continue
            if on_com(book) and not (note.text or "").startswith(NOTE_PREFIX):
                continue  # desktop Excel can read the text: a note that is not ours stays
            note.delete()
            cleared += 1
    return cleared
