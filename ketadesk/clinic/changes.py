"""What a clinic call changed, so each screen can decide whether to redraw."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Changes:
    """The visits, patients and kinds of record one call touched, and the id it created."""

    visits: frozenset[int] = field(default_factory=frozenset)
    patients: frozenset[int] = field(default_factory=frozenset)
    tables: frozenset[str] = field(default_factory=frozenset)
    created_id: int | None = None
    warnings: tuple[str, ...] = ()

    def touches_visit(self, visit_id: int) -> bool:
        """True when a screen showing ``visit_id`` should refresh."""
        return visit_id in self.visits

    @staticmethod
    def visit(visit_id: int, *tables: str, created_id: int | None = None,
              warnings: tuple[str, ...] = ()) -> Changes:
        """Changes to one visit's records."""
        return Changes(visits=frozenset({visit_id}), tables=frozenset(tables), created_id=created_id,
                       warnings=warnings)
