"""ntm-analysis: analyse the National Target Programme on New Rural Development (nông thôn mới).

The public API: what notebooks, benchmarks and users' own code import. The stages behind it run
one way (docs/architecture.md): ``units``/``errors``/``i18n`` → ``io`` (files → tables) →
``catalogue`` (criteria sets) → ``assess`` (attainment, trends, targets) → ``maps``/``excel``/
``report``. Every bad-input error derives from :class:`NtmError` (``render(lang)`` gives its message
in Vietnamese or English).

>>> from ntm_analysis import load_dataset, load_catalogue, assess
>>> ds = load_dataset("data/sample")
>>> result = assess(ds, load_catalogue(ds.meta["catalogue"]), years=2024)
"""

from ntm_analysis.assess.attainment import AssessError, Assessment, assess, assess_villages
from ntm_analysis.assess.targets import default_target_tier, draft_paragraph, rank_targets
from ntm_analysis.assess.trends import history, progress, successor_series
from ntm_analysis.catalogue.model import Catalogue, CatalogueError, load_catalogue
from ntm_analysis.errors import NtmError
from ntm_analysis.io.dataset import Dataset, load_dataset
from ntm_analysis.io.names import UnitLookupError, resolve_unit
from ntm_analysis.io.validation import DatasetError, Problem
from ntm_analysis.maps.boundaries import load_layers
from ntm_analysis.maps.compose import make_map
from ntm_analysis.report.batch import plan_jobs, run_batch
from ntm_analysis.report.context import report_context
from ntm_analysis.report.index import write_index
from ntm_analysis.units import descendants, display_name, expand, name_in_year, valid_in

__all__ = [
    "AssessError", "Assessment", "Catalogue", "CatalogueError", "Dataset", "DatasetError", "NtmError", "Problem",
    "UnitLookupError", "assess", "assess_villages", "default_target_tier", "descendants", "display_name",
    "draft_paragraph", "expand", "history", "load_catalogue", "load_dataset", "load_layers", "make_map",
    "name_in_year", "plan_jobs", "progress", "rank_targets", "report_context", "resolve_unit", "run_batch",
    "successor_series", "valid_in", "write_index",
]
