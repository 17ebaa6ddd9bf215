"""Stage 4 of resolution: organisations, groups and other kinds.

Names and the aliases articles give them are linked by a union-find over name keys (ORG and
NORP only through an explicit alias); a bare acronym joins the expansion that declares it
("HTS") or forms it ("RUSI"), when only one does.
"""

from __future__ import annotations

from collections import Counter

from storyweave.link.entities.blocking import BlockingIndex
from storyweave.link.entities.records import EntityRecord, EntityState, record_ref, weight
from storyweave.names import acronym_key, is_acronym, kind_of


class OrganisationResolution(BlockingIndex):
    """The organisations-and-groups stage of ``EntityIndex``."""

    def _add_others(self, records: list[EntityRecord]) -> None:
        parent: dict[tuple[str, str], tuple[str, str]] = {}

        def find(node: tuple[str, str]) -> tuple[str, str]:
            parent.setdefault(node, node)
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        def union(a: tuple[str, str], b: tuple[str, str]) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        named: list[tuple[EntityRecord, str, list[tuple[str, str]], list[str]]] = []
        acronym_only: list[tuple[EntityRecord, str, str]] = []
        for record in sorted(records, key=lambda r: (-r.mention_count, record_ref(r))):
            kind = kind_of(record.type)
            if is_acronym(record.name) and (kind, self._key(record.name, kind)) not in self.rules.aliases:
                acronym_only.append((record, kind, acronym_key(record.name)))
                continue
            node = (kind, self._key(record.name, kind))
            nodes, acronyms = [node], []
            for alias in record.aliases:
                if is_acronym(alias) and (kind, self._key(alias, kind)) not in self.rules.aliases:
                    acronyms.append(acronym_key(alias))
                    continue
                nodes.append((kind, self._key(alias, kind)))
            find(node)
            named.append((record, kind, nodes, acronyms))
        names_present = set(parent) | {n for n in self._by_key if n[0] != "person"}
        for record, kind, nodes, _ in named:
            for alias_node in nodes[1:]:
                union(nodes[0], alias_node)
                other = {"org": "norp", "norp": "org"}.get(kind)
                if other and (other, alias_node[1]) in names_present:  # ORG and NORP meet only here
                    union(nodes[0], (other, alias_node[1]))
        components: dict[tuple[str, str], list] = {}
        for item in named:
            components.setdefault(find(item[2][0]), []).append(item)
        members: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for node in parent:
            members.setdefault(find(node), []).append(node)
        for root in sorted(components):
            found = {self._by_key[n].live() for n in members[root] if n in self._by_key}
            items = components[root]
            if found:
                state = self._merge(sorted(found, key=weight, reverse=True))
            else:
                kinds = Counter(kind for _, kind, _, _ in items)
                state = self._create("org" if "org" in kinds else kinds.most_common(1)[0][0])
            for record, kind, nodes, acronyms in items:
                self._join(state, record, [f"{n[0]}|{n[1]}" for n in nodes], acronyms)
                self._absorb_acronyms(state, acronyms)
        for record, kind, acronym in sorted(acronym_only, key=lambda a: (a[2], record_ref(a[0]))):
            state = self._acronym_owner(kind, acronym)
            if state is None:
                state = self._by_key.get((kind, self._key(acronym, kind)))
                state = state.live() if state else self._create(kind)
            self._join(state, record, [f"{kind}|{self._key(acronym, kind)}"], [acronym])

    def _acronym_owner(self, kind: str, acronym: str) -> EntityState | None:
        """The expansion a bare acronym stands for: declared by an article, else formed by initials."""
        for index in (self._acronyms, self._derived):
            pool = sorted({s.live() for s in index.get((kind, acronym), ())}, key=weight, reverse=True)
            pool = [s for s in pool if any(not is_acronym(n) for n in s.names)]
            if len(pool) == 1 or (
                pool and pool[0].mentions >= self.rules.acronym_dominance * pool[1].mentions
            ):
                return pool[0]
            if pool:
                return None
        return None

    def _absorb_acronyms(self, state: EntityState, acronyms: list[str]) -> None:
        """An entity known only by an acronym joins the expansion that now declares it."""
        for acronym in acronyms:
            other = self._by_key.get((state.kind, self._key(acronym, state.kind)))
            if (
                other is not None
                and other.live() is not state
                and all(is_acronym(n) for n in other.live().names)
            ):
                self._merge([state, other.live()])

