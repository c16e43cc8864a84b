"""Full-text search in Chinese: jieba's words in a token column, matched by PostgreSQL's full-text
search or, on SQLite, by a word count over the same column.

A searchable table keeps a Text column of space-separated words (`document_tokens`) and a column
of type `VECTOR` holding their tsvector on PostgreSQL (`stored_vector`), both rewritten by its
service whenever the text changes, with a GIN index over the vector (`search_index`). A search
turns the typed text into words (`query_words`) and filters and ranks with `match`. The
knowledge base uses it; the ticket search (DESIGN §11 "Classify and find") is meant to reuse it
as it is.

Why a stored vector rather than an index on `to_tsvector(tokens)`: ranking reads the vector of
every matching row, and computing it there parses each row again (380 ms instead of 35 ms for
1,549 matches among 5,000 articles, measured on PostgreSQL 15).

Why words and the `simple` configuration: PostgreSQL's parser does not split Chinese into words,
so jieba does it once, when a row is written, and PostgreSQL only indexes what it is given
(`simple` lower-cases and keeps every word). The query is cut by the same jieba, so both sides
agree on what a word is.
"""

from __future__ import annotations

import logging
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any

from sqlalchemy import ColumnElement, Index, Text, func, literal, literal_column
from sqlalchemy.dialects.postgresql import TSVECTOR

from hotline.core.extensions import db

CONFIG = "simple"
# A search reads the start of what was typed (a complaint can run to 4,000 characters; its
# first sentences say what it is about) and at most this many distinct words of it.
MAX_QUERY_CHARS = 300
MAX_QUERY_WORDS = 24
# Words that say nothing about the matter: question words, greetings, particles, and the
# hotline's everyday verbs (every article is about 办理 something).
_STOPWORDS = """
的 地 得 了 着 过 是 在 有 和 与 及 或 也 都 就 还 又 而 但 把
被 给 让 对 从 向 到 为 以 我 你 您 他 她 它 我们 你们 他们 咱们
自己 这 那 这个 那个 这些 那些 这样 那样 一个 一下 吗 呢 吧 啊 呀 哦
嗯 么 哈 喂 请 请问 问 想 想问 要 想要 会 能 能否 可以 可不可以
是否 怎么 怎么办 怎样 怎么样 如何 什么 啥 哪 哪里 哪儿 哪些 哪个
为什么 为何 多少 几 多久 有没有 没有 需要 需不需要 应该 好 您好 你好
谢谢 麻烦 一些 有些 现在 已经 问题 咨询 反映 情况 办 办理 个 些 点 下
a an and are can do does for how i in is it of on or the to what when where which who why
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"\w+")

log = logging.getLogger(__name__)


@cache
def _segmenter() -> Any:
    """jieba's tokenizer, its dictionary loaded on the first use in a process.

    Loading takes about a second and 60 MB, so it happens only in processes that index or
    search (web workers serving the console or a search, the RQ worker that runs the
    search-words job, the seed), never at import."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" lines are not ours to log
    jieba.dt.initialize()
    return jieba.dt


def words(text: str | None) -> list[str]:
    """The searchable words of `text`, in order: jieba's search cut (a long word and the shorter
    words in it: 营业执照 → 营业, 执照, 营业执照), full-width folded, lower-cased, without
    punctuation and stop words."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKC", text).lower()
    found: list[str] = []
    for token in _segmenter().cut_for_search(folded):
        for word in _WORD.findall(token):  # "3.5" and "x-y" are words around the punctuation
            if word not in STOPWORDS and any(ch.isalnum() for ch in word):
                found.append(word)
    return found


def _chinese(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def document_words(text: str | None) -> list[str]:
    """The words a stored text is found by: its words of two characters or more, and each of its
    Chinese characters on its own (stop words aside), so that a one-character word of a query
    (税, 证, 房) finds the text that says 税费, 证明, 住房."""
    if not text:
        return []
    longer = [w for w in words(text) if len(w) > 1 or not _chinese(w)]
    folded = unicodedata.normalize("NFKC", text)
    return longer + [ch for ch in folded if _chinese(ch) and ch not in STOPWORDS]


def document_tokens(*parts: str | None) -> str:
    """The token column's value for a row made of these texts: their words, space-separated."""
    return " ".join(word for part in parts for word in document_words(part))


def query_words(text: str | None) -> list[str]:
    """The distinct words a search looks for: from the first MAX_QUERY_CHARS characters of
    `text`, at most MAX_QUERY_WORDS of them, in the order typed."""
    distinct = dict.fromkeys(words((text or "")[:MAX_QUERY_CHARS]))
    return list(distinct)[:MAX_QUERY_WORDS]


# The column type of a row's stored tsvector: PostgreSQL's `tsvector`; plain text elsewhere,
# where it stays NULL (SQLite has no tsvector: there `match` reads the token column).
VECTOR = Text().with_variant(TSVECTOR(), "postgresql")


def stored_vector(tokens: str) -> Any:
    """The value of the vector column for a row whose token column is `tokens`: PostgreSQL's
    `to_tsvector('simple', tokens)` computed in the INSERT or UPDATE (stored, so ranking never
    parses a row again); None on SQLite."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return func.to_tsvector(literal_column(f"'{CONFIG}'"), tokens)


def search_index(name: str, vector: str) -> Index:
    """The index over the vector column: GIN on PostgreSQL, which answers `@@` from it; a plain
    index elsewhere, over a column that stays NULL there."""
    return Index(name, vector, postgresql_using="gin")


@dataclass(frozen=True)
class Match:
    """A search's filter (rows with any of the words) and its rank (higher is better)."""

    where: ColumnElement[bool]
    rank: ColumnElement[Any]


def match(tokens: Any, vector: Any, searched: Sequence[str]) -> Match | None:
    """Rows holding any of the `searched` words (from `query_words`), ranked by how well they
    match; None when there is no word to look for. `tokens` and `vector` are the table's token
    and vector columns.

    PostgreSQL: the words OR-ed in `websearch_to_tsquery` (which never fails on its input)
    against the stored vector, ranked by `ts_rank` (how often each word occurs: a title counted
    twice weighs double). SQLite: each word counted as a whole word of the token column (an
    occurrence right after another of the same word is missed, which no ranking notices); the
    rank is the sum of the counts.
    """
    if not searched:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        query = func.websearch_to_tsquery(literal_column(f"'{CONFIG}'"), " or ".join(searched))
        return Match(vector.op("@@")(query), func.ts_rank(vector, query))
    padded = literal(" ") + tokens + literal(" ")
    # How often each word occurs: the characters its removal takes away, over its own length.
    counts = [
        (func.length(padded) - func.length(func.replace(padded, f" {word} ", " ")))
        / (len(word) + 1)
        for word in searched
    ]
    rank = reduce(operator.add, counts)
    return Match(rank > 0, rank)
