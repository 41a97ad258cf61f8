"""The words gradviz shows, in the user's language: one catalogue for the window, the CLI and runs.

Every user-visible string goes through :func:`translate`, whose signature is
``QCoreApplication.translate``'s, so ``pyside6-lupdate`` finds the strings in any module
(``make i18n`` refreshes ``resources/i18n/*_zh_CN.ts``, Qt Linguist's format). The
catalogue is read here, without Qt: the CLI, the run processes (messages of the language,
"第 3 行第 5 列：…") and the core speak the same words as the window, which also loads Qt's
own translations for its standard dialogs (:mod:`gradviz.qt.language`).

Strings are templates: ``translate("cli", "{n} lessons").format(n=n)``, never an f-string
(the catalogue would hold the formatted text). ``%n`` with ``n`` is Qt's plural form;
English source text writes the plural as ``(s)``, which becomes "s" unless ``n`` is 1.
"""

from __future__ import annotations

import os
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping

from gradviz.core.resources import resource_dir

#: Language codes gradviz has a catalogue for, with their names as their speakers write them.
LANGUAGES: Mapping[str, str] = {"en": "English", "zh_CN": "简体中文"}
#: The Settings value meaning "follow the system locale".
SYSTEM = "system"

_lock = threading.Lock()
_language = "en"
_catalogues: dict[str, dict[tuple[str, str, str], tuple[str, ...]]] = {}
_translator: Callable[[str, str, str | None, int], str] | None = None


#: The catalogues, by the part of the package whose strings they hold: "qt" for gradviz/qt
#: (the window), "core" for the rest (the core and the CLI, what runs without Qt).
PARTS = ("core", "qt")


def catalogue_path(code: str, part: str = "core") -> os.PathLike[str]:
    """Where the catalogue of ``part`` in ``code`` lives (``resources/i18n/<part>_<code>.ts``)."""
    return resource_dir() / "i18n" / f"{part}_{code}.ts"


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The catalogue the system locale asks for, read as gettext reads it.

    The locale is LC_ALL, else LC_MESSAGES, else LANG; LANGUAGE (a priority list) comes
    before it unless the locale is C/POSIX. Any Chinese entry gives simplified Chinese
    (there is no traditional catalogue yet), English or anything unknown gives English.
    """
    env = os.environ if environ is None else environ
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    if locale.split(".")[0] in ("C", "POSIX"):
        return "en"
    for item in [*env.get("LANGUAGE", "").split(":"), locale]:
        if item.lower().startswith("zh"):
            return "zh_CN"
        if item.lower().startswith("en"):
            return "en"
    return "en"


def resolve(choice: str, environ: Mapping[str, str] | None = None) -> str:
    """A language code for a setting: ``"system"`` (or anything unknown) follows the locale."""
    return choice if choice in LANGUAGES else system_language(environ)


def set_language(code: str) -> None:
    """Speak ``code`` from now on (process-wide); unknown codes mean English.

    Its catalogue is read now (a run process reads it before its wall goes up), unless a
    translator (:func:`set_translator`) answers instead.
    """
    global _language
    code = code if code in LANGUAGES else "en"
    if code != "en" and _translator is None:
        _load(code)
    _language = code


def language() -> str:
    """The language code strings are translated into now."""
    return _language


def set_translator(function: Callable[[str, str, str | None, int], str] | None) -> None:
    """Have ``function`` (``QCoreApplication.translate`` in the window) translate from now on,
    in every language but English; None goes back to reading the catalogue here."""
    global _translator
    _translator = function


def translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``source`` in the current language (the English source text when there is no translation).

    Parameters
    ----------
    context : str
        The group the string belongs to (a class or a part of the app), as in Qt.
    source : str
        The English text; a template filled with ``str.format`` after translating.
    disambiguation : str, optional
        Tells apart equal English texts that translate differently.
    n : int, optional
        For plural forms: replaces ``%n`` in the result.
    """
    if _translator is not None and _language != "en":
        return _translator(context, source, disambiguation, n)
    text = source
    if _language != "en":
        catalogue = _catalogues.get(_language)
        if catalogue is None:  # the translator that answered instead was taken away
            catalogue = _load(_language)
        forms = catalogue.get((context, source, disambiguation or ""))
        if forms and forms[0]:
            text = forms[0]  # Chinese has one plural form
    elif n >= 0:
        text = text.replace("(s)", "" if n == 1 else "s")
    return text.replace("%n", str(n)) if n >= 0 else text


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 (the name lupdate looks for)
    """Mark ``source`` for the catalogue where it is defined; translate it where it is shown."""
    return source


def preload(codes: Iterable[str] | None = None) -> bool:
    """Read the catalogues of ``codes`` (default: every language) now, once: a process that
    forks runs does it for all of them. True if one was read that had not been."""
    new = False
    for code in LANGUAGES if codes is None else codes:
        if code != "en" and code in LANGUAGES and code not in _catalogues:
            _load(code)
            new = True
    return new


def _load(code: str) -> dict[tuple[str, str, str], tuple[str, ...]]:
    with _lock:
        if code not in _catalogues:
            _catalogues[code] = read_catalogues(code)
        return _catalogues[code]


def read_catalogues(code: str) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """The finished translations of every part's catalogue for ``code``, together."""
    return {k: v for part in PARTS for k, v in read_catalogue(catalogue_path(code, part)).items()}


def read_catalogue(path: os.PathLike[str] | str) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """The finished translations of a ``.ts`` file, by (context, source, disambiguation).

    Unfinished and obsolete entries are left out, as ``lrelease`` leaves them out. A
    missing file is an empty catalogue (English shows), not an error.
    """
    try:
        # Our own shipped file, never one a user opens: ElementTree's lack of entity
        # limits does not matter here.
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    out: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            forms = tuple(f.text or "" for f in translation.iter("numerusform")) or (translation.text or "",)
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            out[key] = forms
    return out
