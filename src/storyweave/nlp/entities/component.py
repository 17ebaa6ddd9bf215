"""The ``storyweave_entities`` component: one record per person, organisation or place of an article.

It reads ``doc.ents`` (labels corrected by ``storyweave_places`` when it ran before, the model's
otherwise) and writes ``doc._.entities``, a tuple of ``ArticleEntity``, in linear passes over
the entities and the text:

1. mentions: each entity trimmed to the name (no "the", "'s", full stop, line break, or title and
   role before a person: "Kremlin spokesperson"); "the Syrian army" becomes an ORG mention
   (``NameForms.trim``);
2. acronyms defined in the text or formed from the initials of a name the article uses
   (:mod:`storyweave.nlp.entities.acronyms`);
3. people: full names grouped, bare surnames joined to a compatible person
   (:mod:`storyweave.nlp.entities.people`);
4. the rest grouped by normalised name and the alias table ("US", "U.S.", "the United States");
5. records with canonical name, type, aliases and exact character offsets.

The word lists and the alias table are the names rules of :mod:`storyweave.names`.
"""

from __future__ import annotations

import logging
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from storyweave.names import ACRONYM_LABELS, NUMERIC_LABELS, NameRules, load_name_rules, slug
from storyweave.nlp.entities.acronyms import find_acronyms
from storyweave.nlp.entities.forms import NameForms
from storyweave.nlp.entities.mentions import ArticleEntity, EntityMention, MentionDraft, PersonDraft
from storyweave.nlp.entities.people import group_people
from storyweave.nlp.texts import doc_text

logger = logging.getLogger(__name__)

COMPONENT = "storyweave_entities"


def ensure_extensions() -> None:
    """Register ``Doc._.entities`` (idempotent)."""
    if not Doc.has_extension("entities"):
        Doc.set_extension("entities", default=())


class EntityCanonicaliser:
    """The ``storyweave_entities`` component: ``doc.ents`` in, ``doc._.entities`` out."""

    def __init__(self, nlp: Language | None = None, name: str = COMPONENT, rules: NameRules | None = None):
        ensure_extensions()
        self.name = name
        self.rules = rules or load_name_rules()
        self.forms = NameForms(self.rules)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions = self._mentions(doc, text)
        expansions = find_acronyms(text, mentions, self.forms)
        for mention in mentions:
            if not mention.key:
                mention.key = self.forms.key(mention.text, mention.label)
            if mention.key in expansions and mention.label not in ACRONYM_LABELS:
                mention.label = "ORG"
        people = group_people(text, mentions, self.forms)
        doc._.entities = self._entities(mentions, people, expansions)
        return doc

    # 1. mentions -------------------------------------------------------------------------------
    def _mentions(self, doc: Doc, text: str) -> list[MentionDraft]:
        out = []
        for ent in doc.ents:
            if ent.label_ in NUMERIC_LABELS:
                continue
            end, label = ent.end_char, ent.label_
            if label == "NORP":
                head = self.forms.org_head.match(text, end)
                if head:
                    end, label = head.end(), "ORG"
            span = self.forms.trim(text, ent.start_char, end, label)
            if span:
                out.append(MentionDraft(span[0], span[1], text[span[0] : span[1]], label))
        return out

    # 4-5. groups and records -------------------------------------------------------------------
    def _entities(
        self, mentions: list[MentionDraft], people: list[PersonDraft], expansions: dict[str, str]
    ) -> tuple[ArticleEntity, ...]:
        aliases = self.rules.text_aliases
        in_person = {id(m) for p in people for m in p.mentions}
        groups: dict[str, list[MentionDraft]] = {}
        for mention in mentions:
            if id(mention) not in in_person:
                groups.setdefault(mention.key, []).append(mention)
        built: list[tuple[int, str, str, list[MentionDraft]]] = []
        for person in people:
            # the longest full form, preferring one the article repeats: a name the model ran
            # into a headline word or an epithet ("Rip Donald Trump") is seen once
            forms = Counter(m.text for m in person.mentions)
            cores = {f: len(self.forms.cores(f)) for f in forms}
            name = max(forms, key=lambda f: (cores[f] > 1, forms[f] > 1, cores[f], len(f), not f.isupper()))
            built.append((person.mentions[0].start, name, "PERSON", person.mentions))
        for key, members in groups.items():
            if key.startswith("alias:"):
                name, kind = next(aliases[m.text] for m in members if m.text in aliases)
            else:
                named = [m for m in members if not m.acronym] or members
                name = max(named, key=lambda m: (len(m.text), not m.text.isupper())).text
                kind = Counter(m.label for m in members).most_common(1)[0][0]
                if key in expansions and kind not in ACRONYM_LABELS:
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
            named_as = tuple(dict.fromkeys(m.text for m in seen.values() if m.text != name))
            entities.append(ArticleEntity(key, name, kind, named_as, tuple(seen.values())))
        return tuple(entities)


@Language.factory(COMPONENT, requires=["doc.ents"], assigns=["doc._.entities"])
def make_entities(nlp: Language, name: str) -> EntityCanonicaliser:
    """spaCy factory: ``nlp.add_pipe("storyweave_entities", after="storyweave_places")``."""
    return EntityCanonicaliser(nlp, name)


ensure_extensions()
