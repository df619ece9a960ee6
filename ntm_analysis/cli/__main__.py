"""``python -m ntm_analysis.cli``: the ``ntm`` command where the script is not on PATH."""

from ntm_analysis.cli import main

main()
