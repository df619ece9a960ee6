"""The report stage: what the report notebooks show and the batch that renders them.

- ``context``: the report context, loaded once (dataset, catalogue in force, assessment) and the
  batch's context cache (:func:`report_context`, :func:`write_context_cache`);
- ``views`` and ``sections``: one call per section of a notebook (tables, text, Markdown);
  ``charts``: the figures; ``scorecard``: the unit summary lines and tables of ``ntm status``;
- ``batch``: plan the jobs of a batch, run the notebooks (papermill, nbconvert), write the index;
  ``kernel``: which Jupyter kernel runs them.

Notebooks import from here: ``from ntm_analysis.report import report_context, sections, views``.
"""

from ntm_analysis.report.context import load_context, report_context, write_context_cache

__all__ = ["load_context", "report_context", "write_context_cache"]
