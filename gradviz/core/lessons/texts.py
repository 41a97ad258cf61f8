"""A text a lesson file carries in several languages: shown in the user's, or in what there is.

A lesson file written in one language (a colleague's, English only or Chinese only) shows
what it has in any language; one with both shows the user's. A plain string in a file is
untagged: it is shown whatever the language, as files of formats 1 and 2 are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from gradviz.core import i18n

#: The key of a text whose language nobody said (a plain string in a lesson file).
UNTAGGED = ""


class Texts(Mapping[str, str]):
    """One text by language code (``{"en": ..., "zh_CN": ...}``); immutable and hashable.

    Languages gradviz has no catalogue for are kept as they are (a file round-trips them).
    Empty texts count as missing.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | str | None = None) -> None:
        if isinstance(items, LocalText):
            items = items.texts
        if items is None:
            pairs: dict[str, str] = {}
        elif isinstance(items, str):
            pairs = {UNTAGGED: items} if items else {}
        else:
            pairs = {str(k): str(v) for k, v in items.items() if v}
        self._items = tuple(sorted(pairs.items()))

    def __getitem__(self, code: str) -> str:
        for key, value in self._items:
            if key == code:
                return value
        raise KeyError(code)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Texts):
            return self._items == other._items
        return NotImplemented

    def __repr__(self) -> str:
        return f"Texts({dict(self._items)!r})"

    def in_language(self, code: str | None = None) -> str:
        """The text in ``code`` (default: the language gradviz speaks now), else in English,
        else the untagged one, else in any language there is ("" when there is none)."""
        code = i18n.language() if code is None else code
        for key in (code, "en", UNTAGGED):
            if key in self:
                return self[key]
        return self._items[0][1] if self._items else ""

    def to_json(self) -> str | dict[str, str]:
        """A plain string when the text is untagged (as formats 1 and 2 wrote it), else the languages."""
        if set(self) <= {UNTAGGED}:
            return self.get(UNTAGGED, "")
        return dict(self._items)


class LocalText(str):
    """A text in the current language that still carries every language it came from.

    What :attr:`Lesson.title <gradviz.core.lessons.files.Lesson.title>` gives: a ``str`` for
    whoever shows it, and a Lesson made from it (``Lesson(title=old.title, ...)``) keeps
    every language, so a lesson saved from the app loses none.
    """

    texts: Texts

    def __new__(cls, texts: Texts, code: str | None = None) -> LocalText:
        made = super().__new__(cls, texts.in_language(code))
        made.texts = texts
        return made


def texts_from_json(value: object) -> Texts:
    """A lesson file's text field: a plain string, or ``{code: text}``; ValueError for anything else."""
    if isinstance(value, str):
        return Texts(value)
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return Texts(value)
    raise ValueError("not text")


def local(texts: Texts, code: str | None = None) -> LocalText:
    """``texts`` in ``code`` (default: the current language), carrying all its languages."""
    return LocalText(texts, code)
