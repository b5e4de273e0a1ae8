"""Chinese word segmentation (rjieba) with the field's own vocabulary.

rjieba is a Rust port of jieba: the same dictionary and the same Chinese tokens, about 20× faster.
It has no "load a user dictionary" call, but ``add_word`` takes a frequency and a tag, so the
jieba user-dictionary format (``WORD [FREQ] [TAG]`` per line) is read here and fed to it.
The shipped domain dictionary (``data/enrich/dictionary.txt``) keeps terms such as 东数西算,
智改数转网联 or 数据资产入表 whole; users extend it with the file named in ``user_dictionary``.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import rjieba

from policydigest.errors import ConfigError

log = logging.getLogger(__name__)

#: Characters of alphabetic scripts jieba splits one by one (Cyrillic, Greek, Arabic, Hebrew …).
_OTHER_ALPHABETS = re.compile(r"[\u00c0-\u024f\u0370-\u1fff]")


@dataclass(frozen=True)
class DictEntry:
    """One dictionary line: a word, and optionally its frequency and part-of-speech tag."""

    word: str
    freq: int | None = None
    tag: str | None = None


@dataclass(frozen=True)
class Token:
    """A word with its character span in the segmented text (end exclusive)."""

    text: str
    start: int
    end: int


def parse_dictionary(text: str, *, origin: str = "<dictionary>") -> list[DictEntry]:
    """Entries of a jieba-format dictionary; bad lines are skipped with a logged reason.

    >>> parse_dictionary("# comment\\n东数西算\\n算力券 5000 n\\n")
    [DictEntry(word='东数西算', freq=None, tag=None), DictEntry(word='算力券', freq=5000, tag='n')]
    """
    entries: list[DictEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) > 3:
            log.warning("%s:%d: skipped, expected 'WORD [FREQ] [TAG]': %r", origin, number, line)
            continue
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest:
            tag = rest.pop(0)
        if rest:
            log.warning("%s:%d: skipped, frequency must be a whole number: %r", origin, number, line)
            continue
        entries.append(DictEntry(word, freq, tag))
    return entries


def domain_dictionary() -> list[DictEntry]:
    """The dictionary shipped with policydigest.

    >>> any(entry.word == "东数西算" for entry in domain_dictionary())
    True
    """
    text = resources.files("policydigest").joinpath("data/enrich/dictionary.txt").read_text("utf-8")
    return parse_dictionary(text, origin="dictionary.txt")


def read_user_dictionary(path: Path) -> list[DictEntry]:
    """Entries of a user dictionary file; a missing or unreadable file is a configuration error.

    >>> read_user_dictionary(Path("/nonexistent.txt"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policydigest.errors.ConfigError: 无法读取用户词典 /nonexistent.txt：...
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"无法读取用户词典 {path}：{reason}（请修正或取消 `user_dictionary`）") from exc
    return parse_dictionary(text, origin=str(path))


def _is_word(token: str) -> bool:
    # A word has at least one letter or digit; punctuation and spaces are not words.
    return any(ch.isalnum() for ch in token)


def _is_other_alpha(token: str) -> bool:
    return token.isalpha() and bool(_OTHER_ALPHABETS.search(token))


class Segmenter:
    """rjieba with the domain dictionary and optional extra entries.

    >>> seg = Segmenter()
    >>> seg.cut("持续实施东数西算工程，推进智改数转网联")
    ['持续', '实施', '东数西算', '工程', '推进', '智改数转网联']
    """

    def __init__(self, extra: list[DictEntry] | None = None, *, domain: bool = True) -> None:
        self._jieba = rjieba.Jieba()
        # rjieba is not documented as thread-safe for add_word; cutting is read-only.
        self._lock = threading.Lock()
        self.words_added = 0
        for entry in [*(domain_dictionary() if domain else []), *(extra or [])]:
            self.add_word(entry.word, entry.freq, entry.tag)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """Add a word so it is kept whole (without ``freq``, jieba picks one that does)."""
        with self._lock:
            self._jieba.add_word(word, freq, tag)
        self.words_added += 1

    def has_word(self, word: str) -> bool:
        """Whether ``word`` is in the dictionary."""
        return bool(self._jieba.has_word(word))

    def tokens(self, text: str, *, search: bool = False) -> list[Token]:
        """Every token (spaces and punctuation included) with its span in ``text``.

        ``search=True`` also yields the shorter words inside long ones (数据资产 in 数据资产入表).

        >>> [(t.text, t.start, t.end) for t in Segmenter().tokens("推动数据资产入表")]
        [('推动', 0, 2), ('数据资产入表', 2, 8)]
        """
        safe = encodable(text)
        raw = self._jieba.tokenize(safe, "search" if search else "default", True)
        tokens = [Token(text[start:end], start, end) for _, start, end in raw]
        if _OTHER_ALPHABETS.search(text):
            tokens = _merge_alphabetic(tokens, text)
        return tokens

    def cut_many(self, texts: list[str]) -> list[list[str]]:
        """The words of several short texts (sentences) in one call: they are cut as one text.

        >>> Segmenter().cut_many(["发放算力券。", "", "推进东数西算"])
        [['发放', '算力券'], [], ['推进', '东数西算']]
        """
        # One trip into rjieba instead of one per sentence; a newline is always a token boundary.
        joined = "\n".join(" ".join(t.split()) for t in texts)
        out: list[list[str]] = [[]]
        pieces = self._jieba.cut(encodable(joined), True)
        if _OTHER_ALPHABETS.search(joined):
            pieces = _merge_pieces(pieces)
        for piece in pieces:
            if piece == "\n":
                out.append([])
            # Most tokens start with a letter or digit; only the rest need the full check.
            elif piece[:1].isalnum() or _is_word(piece):
                out[-1].append(piece)
        return out

    def cut(self, text: str, *, search: bool = False, punctuation: bool = False) -> list[str]:
        """The words of ``text``; spaces dropped, punctuation (and line breaks) kept with ``punctuation``.

        >>> Segmenter().cut("数据要素，市场。", punctuation=True)
        ['数据要素', '，', '市场', '。']
        """
        safe = encodable(text)
        pieces = self._jieba.cut_for_search(safe, True) if search else self._jieba.cut(safe, True)
        if _OTHER_ALPHABETS.search(text):
            pieces = _merge_pieces(pieces)
        if punctuation:
            return [p for p in pieces if p and (p == "\n" or not p.isspace())]
        return [p for p in pieces if _is_word(p)]


def encodable(text: str) -> str:
    """``text`` with lone surrogates replaced by '?', same length, so spans stay valid.

    Rust libraries (rjieba, ahocorasick-rs) take only valid UTF-8.

    >>> encodable("数据\\ud800要素")
    '数据?要素'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _merge_pieces(pieces: list[str]) -> list[str]:
    # jieba splits Cyrillic, Greek, Arabic … letter by letter; glue runs of them back into words.
    merged: list[str] = []
    for piece in pieces:
        if merged and _is_other_alpha(piece) and _is_other_alpha(merged[-1]):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _merge_alphabetic(tokens: list[Token], text: str) -> list[Token]:
    merged: list[Token] = []
    for token in tokens:
        last = merged[-1] if merged else None
        if last and last.end == token.start and _is_other_alpha(token.text) and _is_other_alpha(last.text):
            merged[-1] = Token(text[last.start : token.end], last.start, token.end)
        else:
            merged.append(token)
    return merged


@lru_cache(maxsize=4)
def get_segmenter(user_dictionary: Path | None = None) -> Segmenter:
    """The shared segmenter with the domain dictionary and ``user_dictionary`` (built once).

    >>> get_segmenter() is get_segmenter()
    True
    """
    extra = read_user_dictionary(user_dictionary) if user_dictionary is not None else []
    segmenter = Segmenter(extra)
    log.info(
        "segmenter ready: %d dictionary words added%s",
        segmenter.words_added,
        f" (user dictionary {user_dictionary})" if user_dictionary else "",
    )
    return segmenter


def segment(text: str) -> list[str]:
    """Words of ``text`` with the default segmenter (no spaces, no punctuation).

    >>> segment("发放算力券，推动数据资产入表")
    ['发放', '算力券', '推动', '数据资产入表']
    """
    return get_segmenter().cut(text)
