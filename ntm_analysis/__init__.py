"""ntm-analysis."""
