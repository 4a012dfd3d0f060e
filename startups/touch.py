"""What a change touches: the startups and investors whose aggregates it affects."""

from dataclasses import dataclass, field


@dataclass
class Touched:
    """The startups and investors whose aggregates a change affects."""

    startups: set[int] = field(default_factory=set)
    investors: set[int] = field(default_factory=set)
    full: bool = False

    def __or__(self, other: "Touched") -> "Touched":
        return Touched(
            self.startups | other.startups,
            self.investors | other.investors,
            self.full or other.full,
        )

    def __bool__(self) -> bool:
        return bool(self.startups or self.investors or self.full)
