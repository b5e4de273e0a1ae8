"""typer's and click's own wording on the command line (usage line, help panels, errors) in Simplified Chinese.

typer reads its rich help and error texts from module constants in ``typer.rich_utils``; its click (vendored
as ``typer._click``) writes the usage line with the formatter ``Context.formatter_class`` names and builds
``--help`` per command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
import typer.rich_utils
from typer._click.core import Command, Context
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

HELP_OPTION_TEXT = "显示此帮助并退出。"
# typer's own options on the root command, by parameter name.
TYPER_OPTION_HELP = {
    "install_completion": "为当前 shell 安装命令补全。",
    "show_completion": "显示当前 shell 的命令补全脚本，可复制或自行安装。",
}

# The rich help and error texts typer exposes for customising, by constant name.
TYPER_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEPRECATED_STRING": "（已弃用）",
}


class ChineseHelpFormatter(HelpFormatter):
    """click's help formatter with a Chinese usage prefix.

    >>> formatter = ChineseHelpFormatter()
    >>> formatter.write_usage("policydigest", "[选项] 命令")
    >>> formatter.getvalue()
    '用法：policydigest [选项] 命令\\n'
    """

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)


class ChineseContext(typer.Context):
    """A click context that formats in Chinese and hands the same context class to its subcommands."""

    formatter_class = ChineseHelpFormatter

    def __init__(self, command: Command, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        # The command objects are built afresh for each run, so these instance settings stay ours.
        command.options_metavar = "[选项]"
        for sub in getattr(command, "commands", {}).values():
            sub.context_class = ChineseContext
        if hasattr(command, "subcommand_metavar"):
            command.subcommand_metavar = "命令 [参数]..."
        for param in command.params:
            if param.name in TYPER_OPTION_HELP:
                param.help = TYPER_OPTION_HELP[param.name]  # type: ignore[attr-defined]
        help_option = command.get_help_option(self)
        if help_option is not None:
            help_option.help = HELP_OPTION_TEXT


# click's (and pydantic's) English usage errors, whole message or detail, by pattern; the first match wins.
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), text)
    for pattern, text in [
        (r"^Missing argument (.+)\.$", r"缺少参数 \1。"),
        (r"^Missing option (.+)\.$", r"缺少选项 \1。"),
        (r"^Missing command\.$", "缺少命令。"),
        (r"^No such command (.+)\.$", r"没有命令 \1。"),
        (r"^No such option: (\S+) \(Possible options: (.+)\)$", r"没有选项 \1（可能是：\2）。"),
        (r"^No such option: (\S+)$", r"没有选项 \1。"),
        (r"^Got unexpected extra argument\(s\) \((.+)\)$", r"多余的参数：\1。"),
        (r"^Option (.+) requires (?:an argument|\d+ arguments)\.$", r"选项 \1 需要给出值。"),
        (r"^Option (.+) does not take a value\.$", r"选项 \1 不接受值。"),
        (r"^Invalid value for (.+?): (.+)$", r"\1 的值无效：\2"),
    ]
]
_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), text)
    for pattern, text in [
        (r"Input should be a valid integer.*", "应为整数"),
        (r"Input should be a valid number.*", "应为数字"),
        (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
        (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
        (r"Input should be greater than (\S+)", r"应大于 \1"),
        (r"Input should be less than (\S+)", r"应小于 \1"),
        (r"Value error, ", ""),
        (r"('[^']*') is not one of (.+)\.", r"\1 不是 \2 之一"),
        (r"(?:File|Directory|Path) ('[^']*') does not exist\.", r"\1 不存在"),
    ]
]


def chinese_usage_message(message: str) -> str:
    """A usage error's message in Chinese; one with no known pattern comes back as it was.

    >>> chinese_usage_message("Invalid value for '--issue': Input should be a valid integer, unable to parse")
    "'--issue' 的值无效：应为整数"
    >>> chinese_usage_message("没有这一期")
    '没有这一期'
    """
    for pattern, text in _MESSAGES:
        if pattern.match(message):
            message = pattern.sub(text, message, count=1)
            break
    for pattern, text in _DETAILS:
        message = pattern.sub(text, message)
    return message


@contextmanager
def _chinese_usage_errors() -> Iterator[None]:
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except UsageError as exc:
        raise UsageError(chinese_usage_message(exc.format_message()), exc.ctx) from None


class ChineseGroup(TyperGroup):
    """The root command group: its context, and so every subcommand's, speaks Chinese, and so do its usage errors."""

    context_class = ChineseContext

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        with _chinese_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with _chinese_usage_errors():
            return super().invoke(ctx)


def use_chinese_wording() -> None:
    """Set typer's rich help and error texts to Chinese (they are module constants read at each use).

    >>> use_chinese_wording(); typer.rich_utils.OPTIONS_PANEL_TITLE
    '选项'
    """
    for name, text in TYPER_TEXTS.items():
        setattr(typer.rich_utils, name, text)
