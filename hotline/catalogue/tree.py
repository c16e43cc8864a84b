"""The shape of the category tree (DESIGN §11): up to three levels; a node with children is a
group and takes no tickets; a node under an inactive one is as good as inactive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_DEPTH = 3
SEPARATOR = " › "


@dataclass(frozen=True)
class Shape:
    """Parent links of every node, active or not, as ids."""

    parent: dict[int, int | None]
    active: dict[int, bool] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int | None, bool]]) -> Shape:
        """From (id, parent_id, active) rows."""
        parent: dict[int, int | None] = {}
        active: dict[int, bool] = {}
        children: dict[int, list[int]] = {}
        for node, up, on in rows:
            parent[node], active[node] = up, bool(on)
            if up is not None:
                children.setdefault(up, []).append(node)
        return cls(parent, active, children)

    def ancestors(self, node: int) -> list[int]:
        """From the top down to the node's parent (a loop, which the editor refuses, stops)."""
        found: list[int] = []
        up = self.parent.get(node)
        while up is not None and up not in found and up != node:
            found.append(up)
            up = self.parent.get(up)
        return found[::-1]

    def depth(self, node: int) -> int:
        """1 at the top."""
        return len(self.ancestors(node)) + 1

    def height(self, node: int) -> int:
        """Levels from this node down to its deepest leaf: 1 for a leaf."""
        below = self.children.get(node, [])
        return 1 + max((self.height(c) for c in below), default=0)

    def is_group(self, node: int) -> bool:
        return bool(self.children.get(node))

    def descendants(self, node: int) -> set[int]:
        found: set[int] = set()
        todo = list(self.children.get(node, []))
        while todo:
            n = todo.pop()
            if n not in found:
                found.add(n)
                todo.extend(self.children.get(n, []))
        return found

    def takes_tickets(self, node: int) -> bool:
        """An active leaf with every ancestor active."""
        return (
            self.active.get(node, False)
            and not self.is_group(node)
            and all(self.active.get(a, False) for a in self.ancestors(node))
        )
