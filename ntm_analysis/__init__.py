"""ntm-analysis."""

from ntm_analysis.io.dataset import Dataset, load_dataset
from ntm_analysis.io.validation import DatasetError, Problem

__all__ = ["Dataset", "DatasetError", "Problem", "load_dataset"]
