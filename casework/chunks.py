"""Long lists in slices, for statements that take a bounded number of parameters."""

from collections.abc import Iterable, Iterator

# Under SQLite's and PostgreSQL's limits on parameters, and big enough to amortise a statement.
SIZE = 1000


def chunks(rows: Iterable, size: int = SIZE) -> Iterator[list]:
    """``rows`` in lists of at most ``size``, in order (the last may be shorter)."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
