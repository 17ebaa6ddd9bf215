"""The forms of a name within one article: trimmed spans, group keys, comparable parts, initials.

``NameForms`` applies the names rules (``storyweave.names``) to mention text; every stage of the
component (``storyweave.nlp.entities.component``) asks it, so they agree on what a name is.
"""

from __future__ import annotations

import functools
import re

from storyweave.names import PLACE_LABELS, NameRules, fold

_POSSESSIVE = re.compile(r"['’]s$")
_WORD = re.compile(r"\S+")


class NameForms:
    """Name handling for the in-article stages, built once per component from ``NameRules``."""

    def __init__(self, rules: NameRules):
        self.rules = rules
        heads = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in rules.org_heads)
        self.org_head = re.compile(rf"\s+(?:{heads})\b", re.IGNORECASE)
        self._title_words = rules.titles | rules.roles
        self._abbrevs = rules.org_suffixes | rules.name_suffixes | rules.titles
        self._not_names = rules.standalone_particles | rules.name_suffixes
        # names repeat within and across articles
        self.cores = functools.lru_cache(maxsize=4096)(self.cores)

    def trim(self, text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
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
            lower = [i for i, (_, _, w) in enumerate(words) if w[0].islower() and not self.skips(w)]
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

    def skips(self, word: str) -> bool:
        """A word an acronym or a place's name passes over ("of", "al-Ain")."""
        return word.split("-")[0].lower() in self.rules.initials_skip

    def key(self, name: str, label: str) -> str:
        """The group key of a non-person mention: the alias table's name, else the folded words
        (an organisation's legal-form suffix dropped)."""
        if name in self.rules.text_aliases:
            return "alias:" + fold(self.rules.text_aliases[name][0])
        words = re.sub(r"[-‐‑–_/]", " ", fold(name).replace(".", "")).split()
        while label == "ORG" and len(words) > 1 and words[-1] in self.rules.org_suffixes:
            words.pop()
        return " ".join(words)

    def cores(self, name: str) -> tuple[str, ...]:
        """Comparable name parts: folded, particles and suffixes dropped ("al-Assad" -> "assad")."""
        cores = []
        for word in name.split():
            parts = [p for p in re.split(r"[-‐‑]", fold(word).strip(".,")) if any(c.isalnum() for c in p)]
            while len(parts) > 1 and parts[0] in self.rules.attached_particles:
                parts.pop(0)
            if parts and not (len(parts) == 1 and parts[0] in self._not_names):
                cores.append("-".join(parts))
        return tuple(cores)

    def content_words(self, name: str) -> list[str]:
        """The words of a name an acronym is formed from."""
        return [w for w in re.split(r"[\s\-‐‑]+", name) if w and w.lower() not in self.rules.initials_skip]

    def initials(self, name: str) -> str:
        """The acronym a capitalised multi-word name forms ("Royal United Services Institute": RUSI)."""
        words = self.content_words(name)
        if len(words) < 2 or not all(w[0].isupper() for w in words):
            return ""
        return "".join(w[0] for w in words)
