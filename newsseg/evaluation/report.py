"""Error analysis: where a system's article boundaries are wrong, how sure it was, and an HTML view.

:func:`compare_pages` runs a system (the CRF or a baseline, see :mod:`newsseg.evaluation.baselines`) on
labelled pages and keeps, per page, the reference and predicted tags and articles and the system's
probability that each line starts an article.  From these:

* :func:`boundary_errors` lists every wrong boundary (a reference boundary the system missed,
  or a boundary it invented; boundaries as :mod:`newsseg.evaluation.metrics` defines them: changes
  of article between consecutive lines the reference puts in an article) with three lines of
  context on each side, worst first: the most confident mistakes lead;
* :func:`format_error` renders one error as plain text for a terminal;
* :func:`html_report` renders one self-contained HTML file showing each page's reference and
  predicted articles coloured side by side, all runs of an article in one colour.  Every piece
  of page text is HTML-escaped.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsseg.evaluation.baselines import ConfidenceTagger, CRFTagger
from newsseg.evaluation.metrics import (
    BOUNDARY_KINDS,
    PageScores,
    Report,
    boundaries,
    boundary_kinds,
    role_of,
    score_page,
    scored_articles,
    scored_positions,
)
from newsseg.evaluation.scoring import (
    LineTagging,
    article_tagging_of,
    content_articles_of,
    content_tags_of,
    reports_of_scores,
)
from newsseg.features import FeatureSettings, page_features
from newsseg.features.layout import Features
from newsseg.io.labels import LabelledPage, article_keys_of, is_begin
from newsseg.segmenter import PageCallback, Segmenter

CONTEXT_LINES = 3
"""Non-blank lines shown on each side of a wrong boundary."""

MISSED = "missed"
SPURIOUS = "spurious"


@dataclass
class PageComparison:
    """One labelled page with a system's tags and articles.

    Attributes
    ----------
    labelled : LabelledPage
        The reference page.
    predicted : list of str
        The system's tag for every line (``""`` for blank lines).
    predicted_articles : list of (str or None)
        The key of the system's article for every line (None for blank and ``O`` lines).
    starts : list of float or None
        Per line, the system's probability that an article starts there; None if the system
        gives no probabilities.
    scores : PageScores
        The page's scores.
    """

    labelled: LabelledPage
    predicted: list[str]
    predicted_articles: list[str | None]
    starts: list[float] | None
    scores: PageScores

    @property
    def name(self) -> str:
        return self.labelled.name


def compare_page(
    tagger: LineTagging, labelled: LabelledPage, features: Sequence[Features] | None = None
) -> PageComparison:
    """Tag one labelled page with a system and score it (a Segmenter is used with its marginals).

    ``features``, for a system that reads line features, are the page's features under its
    settings when the caller has them already.  A system that assembles articles
    (:func:`~newsseg.evaluation.scoring.article_tagging_of`) is scored on the tags and articles
    of its ``tag_articles``; the start probabilities still come from its ``tag_with_confidence``.
    """
    if isinstance(tagger, Segmenter):
        tagger = CRFTagger(tagger)
    extra = {} if features is None else {"features": features}
    if isinstance(tagger, ConfidenceTagger):
        predicted, starts = tagger.tag_with_confidence(labelled.page, **extra)
    else:
        predicted, starts = tagger.tag(labelled.page, **extra), None
    assembler = article_tagging_of(tagger)
    if assembler is None:
        articles = article_keys_of(predicted)
    else:
        predicted, articles = assembler.tag_articles(labelled.page, **extra)
    scores = score_page(
        labelled.content_tags,
        content_tags_of(predicted, labelled),
        labelled.name,
        labelled.content_articles,
        content_articles_of(articles, labelled),
    )
    return PageComparison(labelled, list(predicted), list(articles), None if starts is None else list(starts), scores)


def compare_pages(
    tagger: LineTagging, pages: Sequence[LabelledPage], on_page: PageCallback | None = None
) -> list[PageComparison]:
    """:func:`compare_page` for many pages, in order, with a progress callback ``(done, total)``."""
    return compare_systems({"system": tagger}, pages, on_page)["system"]


def compare_systems(
    systems: Mapping[str, LineTagging], pages: Sequence[LabelledPage], on_page: PageCallback | None = None
) -> dict[str, list[PageComparison]]:
    """:func:`compare_page` for several systems on the same pages: ``{system name: comparisons}``.

    Page by page, the line features are computed once for each distinct feature setting among
    the systems that read them (those with a ``settings`` attribute), and shared.
    """
    taggers = {name: CRFTagger(t) if isinstance(t, Segmenter) else t for name, t in systems.items()}
    comparisons: dict[str, list[PageComparison]] = {name: [] for name in taggers}
    for done, labelled in enumerate(pages, start=1):
        computed: dict[FeatureSettings, list[Features]] = {}
        for name, tagger in taggers.items():
            settings = getattr(tagger, "settings", None)
            features = None
            if settings is not None:
                if settings not in computed:
                    computed[settings] = page_features(labelled.page, settings)
                features = computed[settings]
            comparisons[name].append(compare_page(tagger, labelled, features))
        if on_page is not None:
            on_page(done, len(pages))
    return comparisons


def comparison_reports(comparisons: Sequence[PageComparison]) -> dict[str, Report]:
    """The scores of compared pages per kind of text and over all.

    ``{kind: Report}`` as :func:`~newsseg.evaluation.scoring.reports_by_kind` gives it.
    """
    return reports_of_scores([c.scores for c in comparisons])


@dataclass(frozen=True)
class ContextLine:
    """A line shown around an error: its 1-based number, text, both tags and both articles (None: in none)."""

    number: int
    text: str
    reference: str
    predicted: str
    reference_article: str | None
    predicted_article: str | None


@dataclass(frozen=True)
class BoundaryError:
    """A wrong boundary.

    Attributes
    ----------
    page : str
        The page's name.
    line : int
        1-based line number in the page's file.
        The line after the change of article: the first line of the new article on the side
        that has the boundary.
    kind : {"missed", "spurious"}
        A reference boundary the system did not predict, or a boundary it predicted that the
        reference lacks.
    reference_kind : str or None
        For a missed boundary, its kind (one of
        :data:`~newsseg.evaluation.metrics.BOUNDARY_KINDS`); None for a spurious one.
    reference, predicted : str
        The line's two tags.
    reference_article, predicted_article : str or None
        The line's two articles (None: in no article).
    confidence : float or None
        The system's probability for its own (wrong) decision: P(no start) for a missed
        boundary, P(start) for a spurious one, where P(start) is the largest probability of an
        article start on the line or the reference ``O`` lines between it and the line before
        (where the change of article may fall).  None if the system gives no probabilities.
    off_by_one : bool
        Whether the opposite error lies on the next or previous line the reference puts in an
        article, so that the boundary is merely one line off.
    context : tuple of ContextLine
        Up to :data:`CONTEXT_LINES` non-blank lines before, the line itself, and as many after.
    """

    page: str
    line: int
    kind: str
    reference_kind: str | None
    reference: str
    predicted: str
    reference_article: str | None
    predicted_article: str | None
    confidence: float | None
    off_by_one: bool
    context: tuple[ContextLine, ...]


def page_boundary_errors(comparison: PageComparison, context: int = CONTEXT_LINES) -> list[BoundaryError]:
    """The wrong boundaries of one page, in line order."""
    labelled = comparison.labelled
    content = labelled.page.content_indices
    reference_articles = labelled.articles
    scored = scored_positions(reference_articles)
    reference = [reference_articles[index] for index in scored]
    reference_boundaries = boundaries(reference)
    kinds = dict(
        zip(reference_boundaries, boundary_kinds(reference, [role_of(labelled.tags[i]) for i in scored]), strict=True)
    )
    predicted = set(boundaries(scored_articles(comparison.predicted_articles, scored)))
    wrong = sorted(set(reference_boundaries) ^ predicted)
    wrong_set = set(wrong)
    content_position = {index: position for position, index in enumerate(content)}

    def context_line(index: int) -> ContextLine:
        return ContextLine(
            index + 1,
            labelled.page.lines[index],
            labelled.tags[index],
            comparison.predicted[index],
            reference_articles[index],
            comparison.predicted_articles[index],
        )

    errors = []
    for position in wrong:
        index = scored[position]
        missed = position in kinds
        confidence = None
        if comparison.starts is not None:
            gap = [i for i in content if scored[position - 1] < i <= index]
            start = max(comparison.starts[i] for i in gap)
            confidence = 1.0 - start if missed else start
        neighbours = [p for p in (position - 1, position + 1) if p in wrong_set and (p in kinds) != missed]
        line = content_position[index]
        window = content[max(0, line - context) : line + context + 1]
        errors.append(
            BoundaryError(
                page=labelled.name,
                line=index + 1,
                kind=MISSED if missed else SPURIOUS,
                reference_kind=kinds.get(position),
                reference=labelled.tags[index],
                predicted=comparison.predicted[index],
                reference_article=reference_articles[index],
                predicted_article=comparison.predicted_articles[index],
                confidence=confidence,
                off_by_one=bool(neighbours),
                context=tuple(context_line(i) for i in window),
            )
        )
    return errors


def boundary_errors(comparisons: Sequence[PageComparison], context: int = CONTEXT_LINES) -> list[BoundaryError]:
    """Every wrong boundary of the pages, worst first.

    The most confident mistakes come first; errors without a confidence come last, in page
    and line order.
    """
    errors = [error for comparison in comparisons for error in page_boundary_errors(comparison, context)]
    order = {comparison.name: i for i, comparison in enumerate(comparisons)}
    return sorted(
        errors,
        key=lambda e: (e.confidence is None, -(e.confidence or 0.0), order[e.page], e.line),
    )


def _article_text(article: str | None) -> str:
    return "-" if article is None else article


def _in_article(tag: str, article: str | None) -> str:
    return tag if article is None else f"{tag} (article {article})"


def format_error(error: BoundaryError) -> str:
    """One error as plain text: a header line, then the context with both tags and articles, the line marked ``>``.

    An article shown as ``-`` is none (an ``O`` line).
    """
    what = "missed boundary" if error.kind == MISSED else "spurious boundary"
    notes = [error.reference_kind.replace("_", " ")] if error.reference_kind else []
    if error.off_by_one:
        notes.append("one line off")
    if notes:
        what += f" ({', '.join(notes)})"
    confidence = "no confidence" if error.confidence is None else f"confidence {error.confidence:.2f}"
    header = (
        f"{error.page}:{error.line}: {what}: reference {_in_article(error.reference, error.reference_article)}, "
        f"predicted {_in_article(error.predicted, error.predicted_article)}, {confidence}"
    )
    width = max(len(str(line.number)) for line in error.context)
    article_width = max(
        len("article"),
        *(len(_article_text(a)) for line in error.context for a in (line.reference_article, line.predicted_article)),
    )
    article = f"{'article':<{article_width}}"
    rows = [header, f"  {'':{width}}  {'reference':<12} {article}  {'predicted':<12} {article}  text"]
    for line in error.context:
        marker = ">" if line.number == error.line else " "
        rows.append(
            f"{marker} {line.number:>{width}}  {line.reference:<12} "
            f"{_article_text(line.reference_article):<{article_width}}  {line.predicted:<12} "
            f"{_article_text(line.predicted_article):<{article_width}}  {line.text.strip()}"
        )
    return "\n".join(rows) + "\n"


# -- HTML -----------------------------------------------------------------------------------

PALETTE: tuple[str, ...] = (
    "#fde2e4",
    "#dbeafe",
    "#dcfce7",
    "#fef3c7",
    "#ede9fe",
    "#cffafe",
    "#fce7f3",
    "#e0e7ff",
    "#ecfccb",
    "#ffedd5",
)
"""Background colours of articles, repeated in turn."""

_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2.5em; }
table { border-collapse: collapse; }
table.index td, table.index th, table.summary td, table.summary th { padding: 2px 10px; text-align: right; }
table.index td:first-child, table.index th:first-child { text-align: left; }
table.page td { padding: 1px 8px; vertical-align: top; white-space: pre-wrap; }
table.page td.n, table.page td.tag, table.page td.p { color: #666; font-family: monospace; font-size: 0.85em; }
table.page td.text { min-width: 22em; max-width: 34em; }
table.page td.start { border-top: 3px solid #333; }
table.page td.outside { color: #888; background: #fff; }
table.page tr.wrong td.n { background: #dc2626; color: #fff; }
.legend span { padding: 0 6px; margin-right: 1em; }
"""


def _reference_colours(articles: Sequence[str | None]) -> dict[str, int]:
    """A colour number for each reference article, in order of first appearance (all its runs share it)."""
    colours: dict[str, int] = {}
    for article in articles:
        if article is not None and article not in colours:
            colours[article] = len(colours)
    return colours


def _predicted_colours(
    reference: Sequence[str | None], predicted: Sequence[str | None], reference_colours: dict[str, int]
) -> dict[str, int]:
    """A colour number for each predicted article: that of the reference article it shares most lines with.

    Ties go to the reference article seen first; a predicted article that shares no line with
    any takes a colour after those of the reference articles.
    """
    overlaps: dict[str, Counter] = {}
    for ref, hyp in zip(reference, predicted, strict=True):
        if hyp is not None:
            overlaps.setdefault(hyp, Counter())
            if ref is not None:
                overlaps[hyp][ref] += 1
    colours = {}
    spare = len(reference_colours)
    for hyp, counts in overlaps.items():
        if counts:
            best = max(counts, key=lambda ref: (counts[ref], -reference_colours[ref]))
            colours[hyp] = reference_colours[best]
        else:
            colours[hyp] = spare
            spare += 1
    return colours


def _cell(text: str, tag: str, article: str | None, colour: int | None, extra: str = "") -> str:
    classes = ["text"]
    style = ""
    if colour is None:
        classes.append("outside")
    else:
        style = f' style="background:{PALETTE[colour % len(PALETTE)]}"'
    if is_begin(tag):
        classes.append("start")
    where = "" if article is None else f" · article {article}"
    title = html.escape(tag + where + extra, quote=True)
    return f'<td class="{" ".join(classes)}"{style} title="{title}">{html.escape(text)}</td>'


def _summary_rows(comparisons: Sequence[PageComparison]) -> str:
    report = Report([c.scores for c in comparisons])
    summary = report.summary()
    found, _ = report.kind_counts()
    by_kind = []
    for kind in BOUNDARY_KINDS:
        recall = report.kind_recall(kind)
        shown = "—" if recall is None else f"{recall:.3f}"
        by_kind.append((f"recall of {kind.replace('_', ' ')} boundaries", f"{shown} of {found[kind]}"))
    figures = [
        ("pages", f"{summary['pages']}"),
        ("boundaries (reference / predicted)", f"{summary['boundaries']} / {summary['predicted_boundaries']}"),
        ("boundary P / R / F1", "{:.3f} / {:.3f} / {:.3f}".format(*report.boundary)),
        ("boundary F1 within ±1 line", f"{summary['boundary_f1_within_1']:.3f}"),
        *by_kind,
        ("Pk / WindowDiff", f"{summary['pk']:.3f} / {summary['windowdiff']:.3f}"),
        ("same-article pairs P / R / F1", "{:.3f} / {:.3f} / {:.3f}".format(*report.pairwise)),
        ("segment F1", f"{summary['segment_f1']:.3f}"),
        ("line role accuracy", f"{summary['role_accuracy']:.3f}"),
        ("pages with every boundary right", f"{summary['page_accuracy']:.3f}"),
    ]
    return "".join(f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>" for name, value in figures)


def _page_section(anchor: str, comparison: PageComparison, wrong_lines: set[int]) -> str:
    labelled = comparison.labelled
    reference_articles = labelled.articles
    predicted_articles = comparison.predicted_articles
    reference_colours = _reference_colours(reference_articles)
    predicted_colours = _predicted_colours(reference_articles, predicted_articles, reference_colours)
    rows = []
    for index in labelled.page.content_indices:
        text = labelled.page.lines[index]
        ref_tag, hyp_tag = labelled.tags[index], comparison.predicted[index]
        ref_article, hyp_article = reference_articles[index], predicted_articles[index]
        probability = "" if comparison.starts is None else f"{comparison.starts[index]:.2f}"
        row_class = ' class="wrong"' if index + 1 in wrong_lines else ""
        extra = f" · P(start) {probability}" if probability else ""
        rows.append(
            f'<tr{row_class}><td class="n">{index + 1}</td>'
            f'<td class="tag">{html.escape(ref_tag)}</td>'
            + _cell(text, ref_tag, ref_article, None if ref_article is None else reference_colours[ref_article])
            + _cell(text, hyp_tag, hyp_article, None if hyp_article is None else predicted_colours[hyp_article], extra)
            + f'<td class="tag">{html.escape(hyp_tag)}</td><td class="p">{probability}</td></tr>'
        )
    scores = comparison.scores
    pk = "—" if scores.pk is None else f"{scores.pk:.3f}"
    return (
        f'<h2 id="{anchor}">{html.escape(comparison.name)}</h2>\n'
        f"<p>boundary F1 {scores.boundary_f1:.3f} · same-article pair F1 {scores.pairwise_f1:.3f} · Pk {pk} · "
        f"{scores.ref_boundaries} reference and {scores.hyp_boundaries} predicted boundaries · "
        f"{len(wrong_lines)} wrong</p>\n"
        '<table class="page"><tr><th>line</th><th>reference</th><th>reference articles</th>'
        "<th>predicted articles</th><th>predicted</th><th>P(start)</th></tr>\n" + "\n".join(rows) + "\n</table>\n"
    )


def html_report(comparisons: Sequence[PageComparison], system: str, title: str = "newsseg evaluation") -> str:
    """One self-contained HTML page: summary, an index of pages, then each page side by side.

    Parameters
    ----------
    comparisons : sequence of PageComparison
        The pages, as :func:`compare_pages` gives them.
    system : str
        The system's name, shown in the heading.
    title : str
        The document's title.

    Returns
    -------
    str
        HTML5 with inline CSS and no script or external resource.  Pages are shown worst first
        (lowest boundary F1); each line shows its reference article and its predicted article
        in colour, every run of an article in the article's colour and a predicted article in
        that of the reference article it shares most lines with; a bold rule marks each
        segment's first line; wrong boundaries have their line number in red.
    """
    ordered = sorted(enumerate(comparisons), key=lambda item: (item[1].scores.boundary_f1, item[0]))
    index_rows = []
    sections = []
    for number, (_, comparison) in enumerate(ordered, start=1):
        anchor = f"page-{number}"
        scores = comparison.scores
        wrong = {error.line for error in page_boundary_errors(comparison, context=0)}
        index_rows.append(
            f'<tr><td><a href="#{anchor}">{html.escape(comparison.name)}</a></td><td>{scores.lines}</td>'
            f"<td>{scores.ref_boundaries}</td><td>{scores.hyp_boundaries}</td>"
            f"<td>{scores.boundary_f1:.3f}</td><td>{scores.pairwise_f1:.3f}</td><td>{len(wrong)}</td></tr>"
        )
        sections.append(_page_section(anchor, comparison, wrong))
    legend = "".join(
        f'<span style="background:{colour}">article {i + 1}</span>' for i, colour in enumerate(PALETTE[:4])
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        f"<h1>{html.escape(title)}: {html.escape(system)}</h1>\n"
        f'<table class="summary">{_summary_rows(comparisons)}</table>\n'
        f'<p class="legend">{legend}… a colour per article (all its runs); grey text: outside any article (O).</p>\n'
        '<table class="index"><tr><th>page</th><th>lines</th><th>reference boundaries</th>'
        "<th>predicted boundaries</th><th>boundary F1</th><th>pair F1</th><th>wrong boundaries</th></tr>\n"
        + "\n".join(index_rows)
        + "\n</table>\n"
        + "".join(sections)
        + "</body></html>\n"
    )
