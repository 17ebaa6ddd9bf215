"""The spaCy entity labels the product treats alike, each set defined here once.

The English models label entities with OntoNotes types (PERSON, NORP, FAC, ORG, GPE, LOC,
PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL,
CARDINAL). Several stages ask the same question of a label ("is it a place?"); the sets that
answer it live here, so a stage cannot quietly disagree with another about what a place is.
A set used by one module only stays in that module.
"""

from __future__ import annotations

#: labels of places: countries, cities and states (GPE), other locations (LOC), facilities (FAC)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

#: labels of values rather than names: never an entity of their own
NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})

#: organisations and nationality, religious or political groups: resolved alike across articles,
#: each of its own kind, meeting only through an alias
COLLECTIVE_LABELS = frozenset({"ORG", "NORP"})

#: labels an abbreviated name keeps. Any other label on a name an article abbreviates (PERSON for
#: "Hayat Tahrir al-Sham", NORP, WORK_OF_ART) is the small model's mistake: it becomes ORG.
ACRONYM_LABELS = frozenset({"ORG", "EVENT", "LAW", "PRODUCT"}) | PLACE_LABELS
