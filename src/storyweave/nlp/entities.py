"""Entities canonicalised within one article: one record per person, organisation or place.

The ``storyweave_entities`` component reads ``doc.ents`` (labels corrected by ``storyweave_places``
when it ran before, the model's otherwise) and writes ``doc._.entities``, a tuple of
``ArticleEntity``, in linear passes over the entities and the text:

1. mentions: each entity trimmed to the name (no "the", "'s", full stop, line break, or title and
   role before a person: "Kremlin spokesperson"); "the Syrian army" becomes an ORG mention;
2. acronyms defined in the text ("Hayat Tahrir al-Sham (HTS)", "..., known as HTS") or formed from
   the initials of a name the article uses (RUSI): every occurrence joins the expansion, typed
   like it (ORG where the model called the expansion a person);
3. people: full names grouped ("Hafez al-Assad" is not "Bashar al-Assad"); a bare surname
   ("Assad", "al-Assad’s" even when tagged ORG or NORP) joins a compatible person (``_pick``);
4. the rest grouped by normalised name and the alias table ("US", "U.S.", "the United States");
5. records with canonical name, type, aliases and exact character offsets.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from storyweave.errors import ConfigError
from storyweave.nlp.texts import doc_text

logger = logging.getLogger(__name__)

COMPONENT = "storyweave_entities"
RULES = Path(__file__).parent / "rules" / "entities"
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels an abbreviated name keeps. Any other label on a name the article abbreviates (PERSON for
# "Hayat Tahrir al-Sham", NORP, WORK_OF_ART) is the small model's mistake: it becomes ORG.
ACRONYM_KEEPS = frozenset({"ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"})

_POSSESSIVE = re.compile(r"['’]s$")
_WORD = re.compile(r"\S+")
_CAPS = re.compile(r"\b[A-Z][A-Z&]{1,9}\b")
_PAREN_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z&]*[A-Z])\s*\)")
_KNOWN_AS = re.compile(
    r",?\s+(?:also\s+|commonly\s+|better\s+|widely\s+)?(?:known|referred\s+to)\s+as\s+(?:the\s+)?([A-Z][A-Z&]{1,9})\b"
)
_ACRONYM_BEFORE = re.compile(r"\b([A-Z][A-Z&]{1,9})\s*\(\s*$")
_BARE_PAREN = re.compile(r"\(([A-Z][A-Z&]{1,9})\)")
_RUN_WORD = re.compile(r"[\w’'.&-]+")
_TITLE_BEFORE = re.compile(r"(\S+)\s+$")


@dataclass(frozen=True)
class EntityMention:
    """One occurrence, ``text == doc.text[start_char:end_char]``; ``label``: the entity's type."""

    text: str
    start_char: int
    end_char: int
    label: str


@dataclass(frozen=True)
class ArticleEntity:
    """A person, organisation, place or other named thing, as one article refers to it.

    ``name`` is the longest full form the article uses, titles stripped ("Bashar al-Assad"), or
    the alias table's name ("United States"); ``aliases`` the other forms it uses ("Assad",
    "al-Assad", "HTS"); ``key`` an id stable within the article ("person:bashar-al-assad").
    """

    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[EntityMention, ...]


@dataclass(frozen=True)
class NameRules:
    """Word lists from ``rules/entities`` (see the comments in ``names.toml``)."""

    titles: frozenset[str]
    roles: frozenset[str]
    particles: frozenset[str]
    name_suffixes: frozenset[str]
    org_suffixes: frozenset[str]
    org_heads: tuple[str, ...]
    initials_skip: frozenset[str]
    aliases: dict[str, tuple[str, str]]  # alias text -> (canonical name, type)


@functools.lru_cache(maxsize=4)
def load_name_rules(directory: Path = RULES) -> NameRules:
    """Read ``names.toml`` and ``aliases.tsv`` from ``directory`` (cached per directory)."""
    try:
        with open(directory / "names.toml", "rb") as handle:
            lists = tomllib.load(handle)
        alias_lines = (directory / "aliases.tsv").read_text(encoding="utf-8").splitlines()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"entity rules in {directory} cannot be read ({exc}); restore them from the repository"
        ) from exc
    rows = [line.split("\t") for line in alias_lines if line.strip() and not line.startswith("#")]
    if any(len(row) != 3 for row in rows):
        raise ConfigError(f"{directory / 'aliases.tsv'}: every line must be alias<TAB>name<TAB>type")
    fields = ("titles", "roles", "particles", "name_suffixes", "org_suffixes", "initials_skip")
    words = {f: frozenset(w.strip().rstrip(".").lower() for w in lists.get(f, [])) for f in fields}
    heads = tuple(sorted(lists.get("org_heads", []), key=len, reverse=True))
    return NameRules(**words, org_heads=heads, aliases={row[0]: (row[1], row[2]) for row in rows})


def ensure_extensions() -> None:
    """Register ``Doc._.entities`` (idempotent)."""
    if not Doc.has_extension("entities"):
        Doc.set_extension("entities", default=())


def fold(text: str) -> str:
    """Casefold and drop accents, so "José" and "Jose" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug(text: str) -> str:
    """ASCII, lowercase, hyphen-separated form of a name, for keys."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def long_form_start(short: str, long: str) -> int | None:
    """Where in ``long`` the shortest long form of acronym ``short`` begins, or None.

    The Schwartz & Hearst (2003) matcher: the acronym's characters are found right to left in
    ``long``, the first one at the start of a word. Written here because the libraries that carry
    it (scispacy, ``abbreviations``) only pair "long form (SF)" in raw strings, without the
    "known as" and "undefined acronym" cases or the offsets this component needs.
    """
    s, position = len(short) - 1, len(long) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while position >= 0 and (
            long[position].lower() != char or (s == 0 and position > 0 and long[position - 1].isalnum())
        ):
            position -= 1
        if position < 0:
            return None
        position -= 1
        s -= 1
    return position + 1


@dataclass(eq=False)
class _Mention:
    start: int
    end: int
    text: str
    label: str
    key: str = ""
    acronym: bool = False  # an occurrence of an acronym, grouped with its expansion


@dataclass(eq=False)
class _Person:
    cores: tuple[str, ...]
    first: int
    mentions: list[_Mention] = field(default_factory=list)


class EntityCanonicaliser:
    """The ``storyweave_entities`` component: ``doc.ents`` in, ``doc._.entities`` out."""

    def __init__(self, nlp: Language | None = None, name: str = COMPONENT, rules: NameRules | None = None):
        ensure_extensions()
        self.name = name
        self.rules = rules or load_name_rules()
        heads = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in self.rules.org_heads)
        self._org_head = re.compile(rf"\s+(?:{heads})\b", re.IGNORECASE)
        self._title_words = self.rules.titles | self.rules.roles
        self._abbrevs = self.rules.org_suffixes | self.rules.name_suffixes | self.rules.titles
        self._not_names = self.rules.particles | self.rules.name_suffixes
        self._cores = functools.lru_cache(maxsize=4096)(
            self._cores
        )  # names repeat within and across articles

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions = self._mentions(doc, text)
        expansions = self._acronyms(text, mentions)
        for mention in mentions:
            if not mention.key:
                mention.key = self._key(mention.text, mention.label)
            if mention.key in expansions and mention.label not in ACRONYM_KEEPS:
                mention.label = "ORG"
        people = self._people(text, mentions)
        doc._.entities = self._entities(mentions, people, expansions)
        return doc

    # 1. mentions -------------------------------------------------------------------------------
    def _mentions(self, doc: Doc, text: str) -> list[_Mention]:
        out = []
        for ent in doc.ents:
            if ent.label_ in NUMERIC_LABELS:
                continue
            end, label = ent.end_char, ent.label_
            if label == "NORP":
                head = self._org_head.match(text, end)
                if head:
                    end, label = head.end(), "ORG"
            span = self._trim(text, ent.start_char, end, label)
            if span:
                out.append(_Mention(span[0], span[1], text[span[0] : span[1]], label))
        return out

    def _trim(self, text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
        """The name inside an entity span, as character offsets; None when nothing is left."""
        newline = text.find("\n", start, end)
        if newline != -1:  # the model runs names across block boundaries ("Hama\nArmed")
            end = newline
        while True:
            before = (start, end)
            while start < end and not text[start].isalnum():  # quotes, dashes, brackets, spaces
                start += 1
            while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
                end -= 1
            possessive = _POSSESSIVE.search(text, start, end)
            if possessive and possessive.start() > start:
                end = possessive.start()
            last = text[start:end].rsplit(" ", 1)[-1]
            abbreviation = last.count(".") > 1 or len(last) <= 3 or last[:-1].lower() in self._abbrevs
            if last.endswith(".") and not abbreviation:
                end -= 1  # a sentence's full stop ("Hama."), not "U.S.", "Jr." or "Inc."
            if text[start : start + 4].lower() == "the " and end - start > 4:
                start += 4
            if (start, end) == before:
                break
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]
        if label == "PERSON":
            for index in range(len(words) - 2, -1, -1):
                word = words[index][2]
                if word.rstrip(".,").lower() in self._title_words or _POSSESSIVE.search(word):
                    start = words[index + 1][0]
                    break
        elif label in PLACE_LABELS and words:
            # "Hama by HTS", "west flanks": a place name holds no lowercase word but "of", "al-"...
            lower = [i for i, (_, _, w) in enumerate(words) if w[0].islower() and not self._skips(w)]
            if lower and lower[0] == 0:
                return None
            if lower:
                end = words[lower[0] - 1][1]
            kept = [w for w in words if w[1] <= end]
            # "of", "in" never end a place's name ("al-Ain" in "Ras al-Ain" does)
            while len(kept) > 1 and kept[-1][2].isalpha() and kept[-1][2].islower():
                kept.pop()
                end = kept[-1][1]
        while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):  # "Recovery] in"
            end -= 1
        return (start, end) if end > start else None

    def _skips(self, word: str) -> bool:
        return word.split("-")[0].lower() in self.rules.initials_skip

    def _key(self, name: str, label: str) -> str:
        if name in self.rules.aliases:
            return "alias:" + fold(self.rules.aliases[name][0])
        words = re.sub(r"[-‐‑–_/]", " ", fold(name).replace(".", "")).split()
        while label == "ORG" and len(words) > 1 and words[-1] in self.rules.org_suffixes:
            words.pop()
        return " ".join(words)

    # 2. acronyms -------------------------------------------------------------------------------
    def _acronyms(self, text: str, mentions: list[_Mention]) -> dict[str, str]:
        """Find acronyms, add their occurrences as mentions; return expansion key -> acronym."""
        found: dict[str, _Mention] = {}
        for mention in mentions:
            after = _PAREN_ACRONYM.match(text, mention.end) or _KNOWN_AS.match(text, mention.end)
            if after and self._abbreviates(after.group(1), mention.text):
                found.setdefault(after.group(1), mention)
            before = _ACRONYM_BEFORE.search(text, max(0, mention.start - 16), mention.start)
            closes = text[mention.end : mention.end + 3].lstrip().startswith(")")
            if before and closes and self._abbreviates(before.group(1), mention.text):
                found.setdefault(before.group(1), mention)
        for match in _BARE_PAREN.finditer(text):
            if match.group(1) not in found and match.group(1) not in self.rules.aliases:
                expansion = self._run_before(text, match.start(), match.group(1))
                if expansion:
                    mentions[:] = [m for m in mentions if m.start < expansion.start or m.end > expansion.end]
                    mentions.append(expansion)
                    found[match.group(1)] = expansion
        capitals = set(_CAPS.findall(text)) - found.keys()
        implicit: dict[str, dict[str, _Mention]] = {}
        for mention in mentions:
            initials = self._initials(mention.text)
            usable = mention.label not in ("PERSON", "NORP") and mention.text not in self.rules.aliases
            if usable and len(initials) >= 3 and initials in capitals:
                key = self._key(mention.text, mention.label)
                implicit.setdefault(initials, {}).setdefault(key, mention)
        for initials, names in implicit.items():
            if len(names) == 1:  # two names with the same initials make the acronym ambiguous
                found[initials] = next(iter(names.values()))
        expansions: dict[str, str] = {}
        for acronym, expansion in found.items():
            key = self._key(expansion.text, expansion.label)
            label = expansion.label if expansion.label in ACRONYM_KEEPS else "ORG"
            expansions[key] = acronym
            self._acronym_mentions(text, acronym, key, label, mentions)
        mentions.sort(key=lambda m: (m.start, -m.end))
        return expansions

    def _acronym_mentions(
        self, text: str, acronym: str, key: str, label: str, mentions: list[_Mention]
    ) -> None:
        by_span = {(m.start, m.end): m for m in mentions}
        for match in re.finditer(rf"\b{re.escape(acronym)}\b", text):
            mention = by_span.get(match.span())
            if mention is None:
                # the model missed it ("HTS-led") or buried it in another span ("Hama by HTS")
                mention = _Mention(match.start(), match.end(), acronym, label)
                mentions.append(mention)
            mention.key, mention.label, mention.acronym = key, label, True

    def _content_words(self, name: str) -> list[str]:
        return [w for w in re.split(r"[\s\-‐‑]+", name) if w and w.lower() not in self.rules.initials_skip]

    def _initials(self, name: str) -> str:
        words = self._content_words(name)
        if len(words) < 2 or not all(w[0].isupper() for w in words):
            return ""
        return "".join(w[0] for w in words)

    def _abbreviates(self, acronym: str, name: str) -> bool:
        """True when ``acronym`` is formed from ``name``: its initials, or Schwartz-Hearst."""
        if self._initials(name) == acronym.replace("&", ""):
            return True
        words = self._content_words(name)
        start = long_form_start(acronym, name)
        return len(words) >= 2 and start is not None and start <= name.find(words[0])

    def _run_before(self, text: str, position: int, acronym: str) -> _Mention | None:
        """The capitalised name right before "(ACRONYM)" that the model did not tag, if any."""
        run: list[re.Match] = []
        for word in reversed(list(_RUN_WORD.finditer(text, max(0, position - 120), position))):
            if text[word.end() : (run[0].start() if run else position)].strip():
                break  # punctuation between words ends the name
            if not (word.group()[0].isupper() or self._skips(word.group())) or len(run) > len(acronym) + 4:
                break
            run.insert(0, word)
        while run and run[0].group().lower() in self.rules.initials_skip:
            run.pop(0)
        if len(run) < 2:
            return None
        name = text[run[0].start() : run[-1].end()]
        if not self._abbreviates(acronym, name):
            return None
        start = run[0].start() + (long_form_start(acronym, name) or 0)
        return _Mention(start, run[-1].end(), text[start : run[-1].end()], "ORG")

    # 3. people ---------------------------------------------------------------------------------
    def _cores(self, name: str) -> tuple[str, ...]:
        """Comparable name parts: folded, particles and suffixes dropped ("al-Assad" -> "assad")."""
        cores = []
        for word in name.split():
            parts = [p for p in re.split(r"[-‐‑]", fold(word).strip(".,")) if any(c.isalnum() for c in p)]
            while len(parts) > 1 and parts[0] in self.rules.particles:
                parts.pop(0)
            if parts and not (len(parts) == 1 and parts[0] in self._not_names):
                cores.append("-".join(parts))
        return tuple(cores)

    def _people(self, text: str, mentions: list[_Mention]) -> list[_Person]:
        """Group person mentions; returns the people with their mentions, in order of appearance."""
        people: list[_Person] = []
        full: dict[int, _Person] = {}
        for mention in mentions:  # full names first, so a headline's bare surname can look ahead
            cores = self._cores(mention.text)
            if mention.label != "PERSON" or mention.acronym or len(cores) < 2:
                continue
            person = next((p for p in people if _same_person(p.cores, cores)), None)
            if person is None:
                person = _Person(cores, mention.start)
                people.append(person)
            elif len(cores) > len(person.cores):
                person.cores = cores
            full[id(mention)] = person
        surnames, titled = {p.cores[-1] for p in people}, []
        for mention in mentions:
            person = full.get(id(mention))
            if person is None:
                cores = self._cores(mention.text)
                if len(cores) != 1 or mention.acronym or mention.label in PLACE_LABELS:
                    continue
                if mention.label != "PERSON" and cores[0] not in surnames:
                    continue
                person = self._pick(people, cores[0], mention)
                if (person is None or person.first > mention.start) and self._titled(text, mention):
                    # "President Obama" before "Michelle Obama": someone the article never names in full
                    person = _Person(cores, mention.start)
                    people.append(person)
                    titled.append(person)
                if person is None:
                    continue
            person.mentions.append(mention)
            mention.label = "PERSON"
        for early in titled:
            # ...unless the full name took every later surname mention: then "Mr. Trump" in the
            # lead was the "Donald Trump" the article names later
            later = [p for p in people if p.cores[-1] == early.cores[-1] and p.first > early.first]
            if len(later) == 1 and all(m.start < later[0].first for m in early.mentions):
                later[0].mentions = sorted(later[0].mentions + early.mentions, key=lambda m: m.start)
                people.remove(early)
        return [p for p in people if p.mentions]

    def _titled(self, text: str, mention: _Mention) -> bool:
        word = _TITLE_BEFORE.search(text, max(0, mention.start - 30), mention.start)
        return (
            mention.label == "PERSON"
            and bool(word)
            and word.group(1).rstrip(".").lower() in self.rules.titles
        )

    @staticmethod
    def _pick(people: list[_Person], core: str, mention: _Mention) -> _Person | None:
        """The person a bare name refers to.

        Among people with that surname (or, for a PERSON mention, that first name) introduced
        before the mention: the one with most mentions so far, a tie going to the one introduced
        last. In NBC's Hama report "Assad" stays Bashar after "his father, Hafez al-Assad"; when
        Hafez is introduced first and Bashar next, "Assad" is Bashar. A name before any full
        form (a headline) goes to the first compatible person.
        """
        pool = [p for p in people if p.cores[-1] == core]
        if not pool and mention.label == "PERSON":  # a first name: "Hillary", "LeBron"
            pool = [p for p in people if core in p.cores[:-1]]
        if not pool:
            return None
        before = [p for p in pool if p.first < mention.start]
        if not before:
            return min(pool, key=lambda p: p.first)
        return max(before, key=lambda p: (len(p.mentions), p.first))

    # 4-5. groups and records -------------------------------------------------------------------
    def _entities(
        self, mentions: list[_Mention], people: list[_Person], expansions: dict[str, str]
    ) -> tuple[ArticleEntity, ...]:
        in_person = {id(m) for p in people for m in p.mentions}
        groups: dict[str, list[_Mention]] = {}
        for mention in mentions:
            if id(mention) not in in_person:
                groups.setdefault(mention.key, []).append(mention)
        built: list[tuple[int, str, str, list[_Mention]]] = []
        for person in people:
            # the longest full form, preferring one the article repeats: a name the model ran
            # into a headline word or an epithet ("Rip Donald Trump") is seen once
            forms = Counter(m.text for m in person.mentions)
            cores = {f: len(self._cores(f)) for f in forms}
            name = max(forms, key=lambda f: (cores[f] > 1, forms[f] > 1, cores[f], len(f), not f.isupper()))
            built.append((person.mentions[0].start, name, "PERSON", person.mentions))
        for key, members in groups.items():
            if key.startswith("alias:"):
                name, kind = next(self.rules.aliases[m.text] for m in members if m.text in self.rules.aliases)
            else:
                named = [m for m in members if not m.acronym] or members
                name = max(named, key=lambda m: (len(m.text), not m.text.isupper())).text
                kind = Counter(m.label for m in members).most_common(1)[0][0]
                if key in expansions and kind not in ACRONYM_KEEPS:
                    kind = "ORG"
            built.append((min(m.start for m in members), name, kind, members))
        entities, keys = [], Counter()
        for _, name, kind, members in sorted(built, key=lambda item: item[0]):
            key = f"{kind.lower()}:{slug(name)}"
            keys[key] += 1
            key = key if keys[key] == 1 else f"{key}-{keys[key]}"
            seen: dict[tuple[int, int], EntityMention] = {}
            for m in sorted(members, key=lambda m: (m.start, m.end)):
                seen.setdefault((m.start, m.end), EntityMention(m.text, m.start, m.end, kind))
            aliases = tuple(dict.fromkeys(m.text for m in seen.values() if m.text != name))
            entities.append(ArticleEntity(key, name, kind, aliases, tuple(seen.values())))
        return tuple(entities)


def _same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same surname and one name's parts a subsequence of the other's ("Mohammed al-Julani" in
    "Abu Mohammed al-Julani"); an initial matches a name ("G. Bush" in "George Bush")."""
    if a[-1] != b[-1]:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    position = 0
    for part in short:
        while position < len(long) and not (
            part == long[position] or (len(part) == 1 and long[position].startswith(part))
        ):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


@Language.factory(COMPONENT, requires=["doc.ents"], assigns=["doc._.entities"])
def make_entities(nlp: Language, name: str) -> EntityCanonicaliser:
    """spaCy factory: ``nlp.add_pipe("storyweave_entities", after="storyweave_places")``."""
    return EntityCanonicaliser(nlp, name)


ensure_extensions()
