"""Markdown tables: the one writer behind every table newsseg prints as Markdown (tuning, synth statistics, bench)."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> str:
    """A Markdown table, without a final newline.

    Parameters
    ----------
    header : sequence of str
        The column headings.
    rows : sequence of sequence of str
        The cells, already formatted, one sequence per row.
    right_from : int
        Columns from this index on are right-aligned (``---:``); ``len(header)`` aligns none.

    Returns
    -------
    str
        The header line, the rule and one line per row.
    """
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i >= right_from else "---" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
