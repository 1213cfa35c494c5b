"""Matching two submissions of the same tables: files, tables and indicator rows paired across OLD and NEW
(for `perfgoals-xl diff` and `report --previous`), so that renames, small edits and inserted rows do not read
as a table or an indicator removed and another added.

Every matcher is one-to-one and greedy, best score first; fuzzy comparisons are bounded (FUZZY_PAIRS), so a
12,000-row indicator block is matched in time proportional to its size, not its square.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher
from pathlib import PurePath
from typing import TypeVar

from perfgoals_xl.core.models import Field, Indicator, Table
from perfgoals_xl.core.report import FileReport

T = TypeVar("T")
Pair = tuple[int | None, int | None]  # (index in OLD, index in NEW); None on the side that lacks it

FUZZY_PAIRS = 40_000  # at most this many fuzzy comparisons per matching; beyond, only exact matches count
TABLE_THRESHOLD = 0.45
INDICATOR_THRESHOLD = 0.6
FILE_NAME_THRESHOLD = 0.6
_NOISE = re.compile(r"[\s\u3000（）()【】\[\]《》“”\"'、，,。.:：;；\-—_]+")


def normal(text: str | None) -> str:
    """Text as compared: without spaces, brackets and punctuation, case-folded."""
    return _NOISE.sub("", text or "").casefold()


def similarity(a: str | None, b: str | None) -> float:
    """0 … 1: how alike two names are after `normal` (1 when equal, 0 when either is empty)."""
    left, right = normal(a), normal(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def assign(scores: list[tuple[float, int, int]], threshold: float) -> dict[int, int]:
    """One-to-one pairs (old → new), best score first; scores under the threshold pair nothing."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for score, old, new in sorted(scores, key=lambda s: (-s[0], s[1], s[2])):
        if score < threshold:
            break
        if old not in pairs and new not in taken:
            pairs[old] = new
            taken.add(new)
    return pairs


def exact(old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable | None]) -> dict[int, int]:
    """Pairs of equal keys (None never pairs), the n-th of a key in OLD with the n-th in NEW."""
    waiting: dict[Hashable, list[int]] = defaultdict(list)
    for index, item in enumerate(new):
        value = key(item)
        if value is not None:
            waiting[value].append(index)
    pairs: dict[int, int] = {}
    for index, item in enumerate(old):
        value = key(item)
        if value is not None and waiting.get(value):
            pairs[index] = waiting[value].pop(0)
    return pairs


def complete(pairs: dict[int, int], old: int, new: int) -> list[Pair]:
    """All pairs, the unmatched on their own, in NEW's order (removed ones where they stood in OLD)."""
    result: list[Pair] = []
    reverse = {n: o for o, n in pairs.items()}
    pending = [o for o in range(old) if o not in pairs]
    for n in range(new):
        o = reverse.get(n)
        while pending and o is not None and pending[0] < o:
            result.append((pending.pop(0), None))
        result.append((o, n))
    result.extend((o, None) for o in pending)
    return result


# ── indicators ────────────────────────────────────────────────────────────────────────────────────────


def _label(field: Field | None) -> str | None:
    if field is None:
        return None
    return str(field.value) if field.value is not None else field.text


def indicator_key(indicator: Indicator) -> tuple[str | None, str | None, str]:
    """(一级, 二级, 三级 name) as compared: canonical levels, the name normalised."""
    return (
        _label(indicator.level1),
        _label(indicator.level2),
        normal(indicator.name.text if indicator.name else ""),
    )


def _target(indicator: Indicator) -> tuple[object, object, object]:
    def value(field: Field | None) -> object:
        return None if field is None else field.value

    return value(indicator.operator), value(indicator.value), value(indicator.unit)


def match_indicators(old: Sequence[Indicator], new: Sequence[Indicator]) -> list[Pair]:
    """Indicator rows paired by (一级, 二级, 三级 name); then the same name under another level (moved); then
    names alike, or a row renamed with its 二级 and target kept (score ≥ 0.6), compared within FUZZY_PAIRS."""
    pairs = exact(old, new, indicator_key)
    moved = exact(
        [i if n not in pairs else None for n, i in enumerate(old)],
        [i if n not in pairs.values() else None for n, i in enumerate(new)],
        lambda i: normal(i.name.text) or None if i is not None and i.name is not None else None,
    )
    pairs.update(moved)
    rest_old = [o for o in range(len(old)) if o not in pairs]
    taken = set(pairs.values())
    rest_new = [n for n in range(len(new)) if n not in taken]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= FUZZY_PAIRS:
        scores = []
        for o in rest_old:
            for n in rest_new:
                a, b = old[o], new[n]
                if a.name is None or b.name is None:
                    continue
                score = similarity(a.name.text, b.name.text)
                score += 0.3 * (_label(a.level2) == _label(b.level2)) + 0.3 * (_target(a) == _target(b))
                scores.append((score, o, n))
        pairs.update(assign(scores, INDICATOR_THRESHOLD))
    return complete(pairs, len(old), len(new))


# ── tables ────────────────────────────────────────────────────────────────────────────────────────────


def _names(table: Table) -> set[str]:
    return {normal(i.name.text) for i in table.indicators if i.name is not None and normal(i.name.text)}


def table_score(old: Table, new: Table) -> float:
    """How surely NEW is OLD again: same kind; the name (equal names win), the 三级 names shared, the budget."""
    if old.kind != new.kind:
        return 0.0
    named = similarity(old.name, new.name)
    a, b = _names(old), _names(new)
    content = len(a & b) / len(a | b) if a | b else 0.0
    score = 0.5 * named + 0.5 * content + 0.5 * (named == 1.0)
    if old.budget is not None and old.budget == new.budget:
        score += 0.1
    return score


def match_tables(old: Sequence[Table], new: Sequence[Table]) -> list[Pair]:
    """Tables paired by kind and name, fuzzy when renamed (the indicators they share decide)."""
    if len(old) * len(new) > FUZZY_PAIRS:
        pairs = exact(old, new, lambda t: (t.kind, normal(t.name)) if t.name else None)
        return complete(pairs, len(old), len(new))
    scores = [(table_score(a, b), o, n) for o, a in enumerate(old) for n, b in enumerate(new)]
    return complete(assign(scores, TABLE_THRESHOLD), len(old), len(new))


# ── files of two folders ──────────────────────────────────────────────────────────────────────────────


def _table_keys(report: FileReport) -> set[tuple[str, str]]:
    return {(t.kind, normal(t.name)) for t in report.tables if t.name}


def pair_files(old: Sequence[FileReport], new: Sequence[FileReport]) -> list[Pair]:
    """Files of OLD and NEW paired by the tables they hold (kind and name), then by file name."""
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    for o, report in enumerate(old):
        for key in _table_keys(report):
            holders[key].add(o)
    scores = []
    for n, report in enumerate(new):
        shared: dict[int, int] = defaultdict(int)
        for key in _table_keys(report):
            for o in holders.get(key, ()):
                shared[o] += 1
        scores += [(count, o, n) for o, count in shared.items()]
    pairs = assign(scores, 1)
    rest_old = [o for o in range(len(old)) if o not in pairs]
    taken = set(pairs.values())
    rest_new = [n for n in range(len(new)) if n not in taken]
    by_name = exact(
        [_stem(old[o].path) for o in rest_old], [_stem(new[n].path) for n in rest_new], lambda s: s
    )
    for o, n in by_name.items():
        pairs[rest_old[o]] = rest_new[n]
    rest_old = [o for o in range(len(old)) if o not in pairs]
    taken = set(pairs.values())
    rest_new = [n for n in range(len(new)) if n not in taken]
    if len(rest_old) * len(rest_new) <= FUZZY_PAIRS:
        fuzzy = [
            (similarity(_stem(old[o].path), _stem(new[n].path)), o, n) for o in rest_old for n in rest_new
        ]
        pairs.update(assign(fuzzy, FILE_NAME_THRESHOLD))
    return complete(pairs, len(old), len(new))


def _stem(path: str) -> str:
    """A file's name as compared: without folder, extension and the `_校验` of an annotated copy."""
    stem = PurePath(path).stem
    return normal(stem.removesuffix("_校验")) or stem
