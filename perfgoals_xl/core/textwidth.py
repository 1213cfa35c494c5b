"""How wide text is where a CJK character takes two columns (a terminal, a spreadsheet column whose width counts
digits) and how it wraps: between any two Chinese characters, at spaces between Latin words, never with a
closing mark (，。）》”) at the start of a line or an opening one (（《“) at its end."""

from __future__ import annotations

import unicodedata

CLOSING = set("，。、；：？！）》」』】〕”’%…,.;:?!)]}>")
OPENING = set("（《「『【〔“‘([{<")


def char_width(char: str) -> int:
    """2 for a wide or full-width character (汉字, ，, Ａ), 0 for a combining mark, else 1."""
    if unicodedata.east_asian_width(char) in "WF":
        return 2
    return 0 if unicodedata.combining(char) else 1


def text_width(text: str) -> int:
    """The columns `text` takes on one line."""
    return sum(char_width(char) for char in text)


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between: a Latin word (`1,000`, `--force`), one CJK character, one space; a
    closing mark glued to what precedes it, an opening mark to what follows."""
    tokens: list[str] = []
    for char in text:
        previous = tokens[-1] if tokens and not tokens[-1].isspace() else ""
        glue = previous and (
            char in CLOSING or previous[-1] in OPENING or (_latin(char) and _latin(previous[-1]))
        )
        if glue and not char.isspace():
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _latin(char: str) -> bool:
    return char_width(char) == 1 and not char.isspace()


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns (a piece wider than a line gets a line of its own, cut by
    character); each line break of `text` is kept."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in _tokens(paragraph):
            size = text_width(token)
            if token.isspace() and not line:
                continue  # no line starts with a space
            if used + size > width and line:
                lines.append(line.rstrip())
                line, used = "", 0
                if token.isspace():
                    continue
            while size > width:  # a word longer than the line
                cut, taken = _cut(token, width)
                lines.append(cut)
                token, size = token[len(cut) :], size - taken
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines


def _cut(token: str, width: int) -> tuple[str, int]:
    """The longest start of `token` that fits `width` columns (at least one character), and its width."""
    taken = 0
    for index, char in enumerate(token):
        if taken + char_width(char) > width and index > 0:
            return token[:index], taken
        taken += char_width(char)
    return token, taken


def line_count(text: str, width: int) -> int:
    """How many lines `text` takes wrapped at `width` columns."""
    return len(wrap(text, width))
