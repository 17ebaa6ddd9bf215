"""Every CLI command builds its ``Settings`` one way (``cli.app.command_settings``), once, before it works."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import storyweave.cli  # noqa: F401 - registers every command module
from storyweave.cli.app import app

#: Commands that take no setting at all, with the reason.
NO_SETTINGS = {
    # the gazetteer's files live in the user's cache (``nlp.gazetteer``), not in the store or the docs
    "gazetteer import", "gazetteer status", "gazetteer reset",
}


def _commands(typer_app, prefix: str = ""):
    for command in typer_app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        yield (prefix + name).strip(), command.callback
    for group in typer_app.registered_groups:
        yield from _commands(group.typer_instance, prefix + group.name + " ")


def test_every_command_builds_its_settings_once():
    commands = dict(_commands(app))
    assert "ingest" in commands and "eval places" in commands and "bench serve" in commands
    wrong = []
    for name, callback in sorted(commands.items()):
        calls = len(re.findall(r"\bcommand_settings\(", inspect.getsource(callback)))
        expected = 0 if name in NO_SETTINGS else 1
        if calls != expected:
            wrong.append(f"{name}: {calls} calls")
    assert wrong == [], "each command calls cli.app.command_settings exactly once: " + ", ".join(wrong)


def test_no_command_reads_the_environment_itself():
    cli = Path(storyweave.cli.__file__).parent
    found = [
        f"{path.name}:{number}"
        for path in sorted(cli.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"os\.environ|getenv|Settings\.from_env|Settings\(", line)
        and not (path.name == "app.py" and "Settings.from_env(" in line)
    ]
    assert found == [], "settings come from cli.app.command_settings only: " + ", ".join(found)


def test_version_alone_prints_the_version():
    from typer.testing import CliRunner

    from storyweave import __version__
    from storyweave.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and f"storyweave {__version__}" in result.output
