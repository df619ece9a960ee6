"""Command-line usage errors in the user's language.

``click`` (under ``typer``) writes its own errors in English: "Missing argument 'DATASET'.",
"Invalid value for '--year': 'abc' is not a valid integer.". The ``ntm`` command is Vietnamese by
default, so :class:`LocalisedGroup` catches these errors and prints them in Vietnamese (English with
``--lang en`` anywhere on the command line), with the usage line and the ``--help`` hint, exit 2.

Only the message text changes: which errors are raised, and their exit codes, stay click's.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Sequence

import typer
from typer.core import TyperGroup

try:  # typer >= 0.20 carries its own copy of click
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - older typer on the real click
    from click import exceptions as _cx

from ntm_analysis.i18n import fmt

MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("Lỗi: {message}", "Error: {message}"),
    "usage": ("Cách dùng: {usage}", "Usage: {usage}"),
    "hint": ("Xem trợ giúp: «{command} --help».", "Try '{command} --help' for help."),
    "missing_argument": ("Thiếu tham số bắt buộc {name}.", "Missing argument {name}."),
    "missing_option": ("Thiếu tùy chọn bắt buộc {name}.", "Missing option {name}."),
    "missing_parameter": ("Thiếu tham số {name}.", "Missing parameter {name}."),
    "invalid_value": ("Giá trị không hợp lệ cho {name}: {detail}", "Invalid value for {name}: {detail}"),
    "not_integer": ("«{value}» không phải là số nguyên.", "'{value}' is not a valid integer."),
    "not_number": ("«{value}» không phải là số.", "'{value}' is not a valid number."),
    "not_boolean": ("«{value}» không phải là có/không.", "'{value}' is not a valid boolean."),
    "not_exists": ("không tìm thấy «{value}».", "'{value}' does not exist."),
    "not_choice": ("«{value}» không thuộc các giá trị cho phép: {choices}.",
                   "'{value}' is not one of {choices}."),
    "no_such_option": ("Không có tùy chọn {name}.", "No such option {name}."),
    "did_you_mean": ("Có phải: {names}?", "Did you mean: {names}?"),
    "no_such_command": ("Không có lệnh «{name}».", "No such command '{name}'."),
    "needs_value": ("Tùy chọn {name} cần một giá trị.", "Option {name} requires a value."),
    "no_value": ("Tùy chọn {name} không nhận giá trị.", "Option {name} does not take a value."),
    "extra_args": ("Thừa tham số: {args}.", "Unexpected extra arguments: {args}."),
    "missing_command": ("Thiếu tên lệnh.", "Missing command."),
    # arguments that parse but make no sense (checked by the commands)
    "from_after_to": ("--from {lo} sau --to {hi}: năm bắt đầu phải trước hoặc bằng năm kết thúc.",
                      "--from {lo} is after --to {hi}: the first year must not be after the last."),
    "no_years_between": ("Không có năm dữ liệu nào từ {lo} đến {hi}; các năm có dữ liệu: {years}.",
                         "No data year between {lo} and {hi}; years with data: {years}."),
    "plan_before_data": ("--plan-year {plan} trước năm dữ liệu cuối cùng ({last}): năm kế hoạch phải từ {last} trở đi.",
                         "--plan-year {plan} is before the last data year ({last}): the plan year must be {last} or later."),
    "status_below": ("{name} ({kind}) không được đánh giá theo hạng nào của bộ tiêu chí; dưới đây là các đơn vị "
                     "thuộc {kind} được đánh giá ({levels}).",
                     "{name} ({kind}) is not assessed against any tier of the catalogue; below are the units of this "
                     "{kind} that are ({levels})."),
    "criteria_or_indicator": ("--criteria và --indicator: chỉ chọn một.", "--criteria and --indicator: choose one."),
    "unit_or_all": ("Cần một trong hai: --unit U hoặc --all.", "Give either --unit U or --all."),
    "file_not_found": ("Không tìm thấy tệp: {path}", "File not found: {path}"),
    "no_unit_with_data": ("Không có đơn vị nào có dữ liệu năm {year}.", "No unit has data in {year}."),
    "reports_done": ("{ok}/{n} báo cáo đã xong → {index}", "{ok}/{n} reports done → {index}"),
    "aborted": ("Đã dừng.", "Aborted."),
    "other": ("Lệnh không hợp lệ: {detail}", "Invalid command line: {detail}"),
}

#: click's English detail texts (after the parameter name) and the message key they become.
_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^'(?P<value>.*)' is not a valid integer( range)?\.$", re.S), "not_integer"),
    (re.compile(r"^'(?P<value>.*)' is not a valid float( range)?\.$", re.S), "not_number"),
    (re.compile(r"^'(?P<value>.*)' is not a valid boolean\.$", re.S), "not_boolean"),
    (re.compile(r"^(?:File|Directory|Path) '(?P<value>.*)' does not exist\.$", re.S), "not_exists"),
    (re.compile(r"^'(?P<value>.*)' is not one of (?P<choices>.*)\.$", re.S), "not_choice"),
]
_USAGE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Option '(?P<name>[^']*)' requires (an argument|\d+ arguments)\.$"), "needs_value"),
    (re.compile(r"^Option '(?P<name>[^']*)' does not take a value\.$"), "no_value"),
    (re.compile(r"^Got unexpected extra arguments?(?:\(s\))? \((?P<args>.*)\)$", re.S), "extra_args"),
    (re.compile(r"^No such command '(?P<name>[^']*)'\.(?: Did you mean '(?P<names>[^']*)'\?)?$"),
     "no_such_command"),
    (re.compile(r"^Missing command\.$"), "missing_command"),
]


def wanted_lang(args: Sequence[str]) -> str:
    """``en`` when the command line asks for English (``--lang en`` or ``--lang=en``), else ``vi``."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "vi"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "vi"
    return "vi"


def _param_name(exc: Exception) -> str:
    """``--year`` for an option, ``DATASET`` for an argument (as ``--help`` shows them)."""
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if param is not None:
        if getattr(param, "param_type_name", "") == "option" and getattr(param, "opts", None):
            return "/".join(param.opts)
        return str(getattr(param, "metavar", None) or param.name).upper()
    if isinstance(hint, (list, tuple)):
        return " / ".join(str(h) for h in hint)
    return str(hint or "")


#: pydantic error types (typer >= 0.20 coerces values with pydantic) and the message key they become.
_PYDANTIC = {"int_parsing": "not_integer", "int_from_float": "not_integer", "float_parsing": "not_number",
             "bool_parsing": "not_boolean"}


def _detail(exc: Exception, lang: str) -> str:
    cause = exc.__cause__
    if cause is not None and hasattr(cause, "errors"):
        errors = cause.errors()
        if errors and errors[0].get("type") in _PYDANTIC:
            return fmt(MESSAGES, _PYDANTIC[errors[0]["type"]], lang, value=errors[0].get("input", ""))
    text = str(getattr(exc, "message", "") or exc).strip()
    for pattern, key in _DETAILS:
        found = pattern.match(text)
        if found:
            return fmt(MESSAGES, key, lang, **found.groupdict())
    return text if lang == "en" else fmt(MESSAGES, "other", lang, detail=text)


def usage_message(exc: Exception, lang: str = "vi") -> str:
    """The text of a click usage error in ``lang``: the error, then the usage line and the help hint."""
    if isinstance(exc, _cx.MissingParameter):
        kind = {"argument": "missing_argument", "option": "missing_option"}.get(
            exc.param_type or getattr(exc.param, "param_type_name", ""), "missing_parameter")
        text = fmt(MESSAGES, kind, lang, name=_param_name(exc))
    elif isinstance(exc, _cx.BadParameter):
        text = fmt(MESSAGES, "invalid_value", lang, name=_param_name(exc), detail=_detail(exc, lang))
    elif isinstance(exc, _cx.NoSuchOption):
        text = fmt(MESSAGES, "no_such_option", lang, name=exc.option_name)
        if exc.possibilities:
            text += " " + fmt(MESSAGES, "did_you_mean", lang, names=", ".join(sorted(exc.possibilities)))
    else:
        found = next(((key, m.groupdict()) for p, key in _USAGE if (m := p.match(exc.message))), None)
        if found is None:
            text = exc.message if lang == "en" else fmt(MESSAGES, "other", lang, detail=exc.message)
        else:
            key, parts = found
            names = parts.pop("names", None)
            text = fmt(MESSAGES, key, lang, **parts)
            if names:
                text += " " + fmt(MESSAGES, "did_you_mean", lang, names=names)
    lines = [fmt(MESSAGES, "error", lang, message=text)]
    if exc.ctx is not None:
        usage = exc.ctx.get_usage().split(":", 1)[-1].strip()
        usage = re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), usage)  # typer writes arguments as {name}
        lines.append(fmt(MESSAGES, "usage", lang, usage=usage))
        lines.append(fmt(MESSAGES, "hint", lang, command=exc.ctx.command_path))
    return "\n".join(lines)


class LocalisedGroup(TyperGroup):
    """The root ``ntm`` group: runs a command and prints click's usage errors in the user's language.

    Exit codes are click's (2 for a usage error); ``typer.Exit(code)`` from a command ends with
    ``code``."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(args=argv, prog_name=prog_name, complete_var=complete_var,
                                  standalone_mode=False, **extra)
        except _cx.NoArgsIsHelpError as exc:
            if not standalone_mode:
                raise
            typer.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except _cx.UsageError as exc:
            if not standalone_mode:
                raise
            typer.echo(usage_message(exc, wanted_lang(argv)), err=True)
            sys.exit(exc.exit_code)
        except _cx.ClickException as exc:  # file errors and the like: click's text, click's code
            if not standalone_mode:
                raise
            exc.show()
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo(fmt(MESSAGES, "aborted", wanted_lang(argv)), err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)
