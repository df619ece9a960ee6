"""ntm-analysis."""

from ntm_analysis.dataset import Dataset, load_dataset
from ntm_analysis.validation import DatasetError, Problem

__all__ = ["Dataset", "DatasetError", "Problem", "load_dataset"]
