"""The ``ntm`` command: parses arguments, calls the package, prints. No analysis logic lives here.

Every command takes ``--lang vi|en`` (Vietnamese by default). Bad input ends with a clear message
and exit code 2, never a traceback.

The command table below is the one list of commands, in the order ``ntm --help`` shows them; each
command's function lives in the module of its kind: ``assessment`` (status, trends, targets),
``reports`` (map, plan, report), ``data`` (validate, init, template, import, export) and
``catalogue`` (``ntm catalogue ...``); ``common`` holds what they share, ``messages`` the command
line's own messages and click's usage errors in the user's language.
"""

from __future__ import annotations

from ntm_analysis.cli.assessment import status_cmd, targets_cmd, trends_cmd
from ntm_analysis.cli.catalogue import (catalogue_app, catalogue_check_cmd, catalogue_import_cmd,
                                        catalogue_show_cmd, catalogue_template_cmd)
from ntm_analysis.cli.common import app
from ntm_analysis.cli.data import export_cmd, import_cmd, init_cmd, template_cmd, validate_cmd
from ntm_analysis.cli.reports import map_cmd, plan_cmd, report_cmd

app.add_typer(catalogue_app, name="catalogue")
for _name, _command in (("map", map_cmd), ("trends", trends_cmd), ("targets", targets_cmd), ("plan", plan_cmd),
                        ("template", template_cmd), ("import", import_cmd), ("export", export_cmd),
                        ("status", status_cmd), ("validate", validate_cmd), ("init", init_cmd)):
    app.command(_name)(_command)
for _name, _command in (("check", catalogue_check_cmd), ("show", catalogue_show_cmd),
                        ("template", catalogue_template_cmd), ("import", catalogue_import_cmd)):
    catalogue_app.command(_name)(_command)
app.command("report")(report_cmd)

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``ntm`` script."""
    app()
