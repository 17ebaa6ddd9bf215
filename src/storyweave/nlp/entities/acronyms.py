"""Stage 2 of the component: acronyms an article defines or forms, joined to their expansions.

"Hayat Tahrir al-Sham (HTS)", "..., known as HTS", "HTS (Hayat Tahrir al-Sham)", a capitalised
run the model did not tag before "(SOHR)", or the initials of a name the article uses (RUSI):
every occurrence of the acronym joins the expansion, typed like it.
"""

from __future__ import annotations

import re

from storyweave.names import ACRONYM_LABELS
from storyweave.nlp.entities.forms import NameForms
from storyweave.nlp.entities.mentions import MentionDraft

_CAPS = re.compile(r"\b[A-Z][A-Z&]{1,9}\b")
_PAREN_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z&]*[A-Z])\s*\)")
_KNOWN_AS = re.compile(
    r",?\s+(?:also\s+|commonly\s+|better\s+|widely\s+)?(?:known|referred\s+to)\s+as\s+(?:the\s+)?([A-Z][A-Z&]{1,9})\b"
)
_ACRONYM_BEFORE = re.compile(r"\b([A-Z][A-Z&]{1,9})\s*\(\s*$")
_BARE_PAREN = re.compile(r"\(([A-Z][A-Z&]{1,9})\)")
_RUN_WORD = re.compile(r"[\w’'.&-]+")


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


def find_acronyms(text: str, mentions: list[MentionDraft], forms: NameForms) -> dict[str, str]:
    """Find acronyms, add their occurrences to ``mentions``; return expansion key -> acronym."""
    aliases = forms.rules.text_aliases
    found: dict[str, MentionDraft] = {}
    for mention in mentions:
        after = _PAREN_ACRONYM.match(text, mention.end) or _KNOWN_AS.match(text, mention.end)
        if after and abbreviates(after.group(1), mention.text, forms):
            found.setdefault(after.group(1), mention)
        before = _ACRONYM_BEFORE.search(text, max(0, mention.start - 16), mention.start)
        closes = text[mention.end : mention.end + 3].lstrip().startswith(")")
        if before and closes and abbreviates(before.group(1), mention.text, forms):
            found.setdefault(before.group(1), mention)
    for match in _BARE_PAREN.finditer(text):
        # an untagged run before "(US)" would become an ORG; the alias table types "US" rightly.
        # An organisation's acronym in the table ("SOHR") still finds its spelled-out name.
        typed = aliases.get(match.group(1), ("", "ORG"))[1] != "ORG"
        if match.group(1) not in found and not typed:
            expansion = _run_before(text, match.start(), match.group(1), forms)
            if expansion:
                mentions[:] = [m for m in mentions if m.start < expansion.start or m.end > expansion.end]
                mentions.append(expansion)
                found[match.group(1)] = expansion
    capitals = set(_CAPS.findall(text)) - found.keys()
    implicit: dict[str, dict[str, MentionDraft]] = {}
    for mention in mentions:
        initials = forms.initials(mention.text)
        usable = mention.label not in ("PERSON", "NORP") and mention.text not in aliases
        if usable and len(initials) >= 3 and initials in capitals:
            key = forms.key(mention.text, mention.label)
            implicit.setdefault(initials, {}).setdefault(key, mention)
    for initials, names in implicit.items():
        if len(names) == 1:  # two names with the same initials make the acronym ambiguous
            found[initials] = next(iter(names.values()))
    expansions: dict[str, str] = {}
    for acronym, expansion in found.items():
        key = forms.key(expansion.text, expansion.label)
        label = expansion.label if expansion.label in ACRONYM_LABELS else "ORG"
        expansions[key] = acronym
        _acronym_mentions(text, acronym, key, label, mentions)
    mentions.sort(key=lambda m: (m.start, -m.end))
    return expansions


def abbreviates(acronym: str, name: str, forms: NameForms) -> bool:
    """True when ``acronym`` is formed from ``name``: its initials, or Schwartz-Hearst."""
    if forms.initials(name) == acronym.replace("&", ""):
        return True
    words = forms.content_words(name)
    start = long_form_start(acronym, name)
    return len(words) >= 2 and start is not None and start <= name.find(words[0])


def _acronym_mentions(text: str, acronym: str, key: str, label: str, mentions: list[MentionDraft]) -> None:
    by_span = {(m.start, m.end): m for m in mentions}
    for match in re.finditer(rf"\b{re.escape(acronym)}\b", text):
        mention = by_span.get(match.span())
        if mention is None:
            # the model missed it ("HTS-led") or buried it in another span ("Hama by HTS")
            mention = MentionDraft(match.start(), match.end(), acronym, label)
            mentions.append(mention)
        mention.key, mention.label, mention.acronym = key, label, True


def _run_before(text: str, position: int, acronym: str, forms: NameForms) -> MentionDraft | None:
    """The capitalised name right before "(ACRONYM)" that the model did not tag, if any."""
    run: list[re.Match] = []
    for word in reversed(list(_RUN_WORD.finditer(text, max(0, position - 120), position))):
        if text[word.end() : (run[0].start() if run else position)].strip():
            break  # punctuation between words ends the name
        if not (word.group()[0].isupper() or forms.skips(word.group())) or len(run) > len(acronym) + 4:
            break
        run.insert(0, word)
    while run and run[0].group().lower() in forms.rules.initials_skip:
        run.pop(0)
    if len(run) < 2:
        return None
    name = text[run[0].start() : run[-1].end()]
    if not abbreviates(acronym, name, forms):
        return None
    start = run[0].start() + (long_form_start(acronym, name) or 0)
    return MentionDraft(start, run[-1].end(), text[start : run[-1].end()], "ORG")
