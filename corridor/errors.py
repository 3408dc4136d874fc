"""Exceptions that `corridor` raises and users may catch."""

from __future__ import annotations


class CorridorValidationError(ValueError):
    """A corridor (or a table of one) breaks the data model.

    The message lists every problem found, one per line; ``problems`` holds the same lines as a list.
    """

    def __init__(self, problems: list[str], *, source: str = "corridor") -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{source} has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"- {p}" for p in self.problems)]))


class CorridorReadError(ValueError):
    """A corridor file that cannot be read.

    It is empty, not UTF-8 text, has rows that do not fit its header or a column name twice, or holds broken
    TOML/JSON metadata. The message names the file and, where the parser knows it, the line; ``path`` and
    ``line`` hold them.
    """

    def __init__(self, path: object, reason: str, *, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{self.path!r}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {reason}")


class UnknownPlaceError(ValueError):
    """A place named in a call is not in the corridor; the message names the closest match."""


class ConstraintError(ValueError):
    """Route constraints that contradict each other or name unknown values; raised before any search."""


class NoRouteError(ValueError):
    """No route satisfies the constraints; the message says which constraint or unavailable element cut it."""


class ScenarioError(ValueError):
    """A scenario file that cannot be read or applied; the message lists every problem, each naming its key.

    ``problems`` holds the problems as a list and ``path`` the file (None for a scenario built in memory).
    Nothing of a scenario is applied when this is raised.
    """

    def __init__(self, problems: list[str], *, path: object = None) -> None:
        self.problems = list(problems)
        self.path = path
        count = len(self.problems)
        where = f"scenario file {str(path)!r}" if path is not None else "scenario"
        header = f"{where} has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"- {p}" for p in self.problems)]))
