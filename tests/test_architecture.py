"""The apps depend one way: councils <- spreadsheets <- actionplans <- impact, scrutiny <-
reports <- search, home <- following, api. No module imports an app at its own level or
above (inside functions too), no template loads another app's template tags from below, and
no command runs a command of an app above it."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LEVEL = {
    "councils": 0,
    "spreadsheets": 1,
    "actionplans": 2,
    "impact": 3,
    "scrutiny": 3,
    "reports": 4,
    "search": 5,
    "home": 5,
    "following": 6,
    "api": 6,
}
COMMANDS = {
    path.stem: path.parts[-4]
    for app in LEVEL
    for path in (ROOT / app / "management" / "commands").glob("*.py")
    if path.stem != "__init__"
}
TAG_LIBRARIES = {
    path.stem: app for app in LEVEL for path in (ROOT / app / "templatetags").glob("*_tags.py")
}


def modules(app: str):
    # Migrations record the schema's own history, which crosses apps by nature.
    return (p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & set(LEVEL)


def test_apps_import_only_apps_below_them():
    wrong = []
    for app, level in LEVEL.items():
        for path in modules(app):
            for other in imported_apps(path) - {app}:
                if LEVEL[other] >= level:
                    wrong.append(f"{path.relative_to(ROOT)} imports {other}")
    assert wrong == []


def test_commands_run_only_commands_of_apps_at_or_below_them():
    wrong = []
    for app, level in LEVEL.items():
        for path in modules(app):
            for name in re.findall(r'call_command\(\s*"([a-z_]+)"', path.read_text()):
                owner = COMMANDS.get(name)
                if owner and owner != app and LEVEL[owner] >= level:
                    wrong.append(f"{path.relative_to(ROOT)} runs {name} of {owner}")
    assert wrong == []


def test_templates_load_only_tags_of_their_app_or_below():
    wrong = []
    for app, level in LEVEL.items():
        for path in (ROOT / "templates" / app).rglob("*.html"):
            for library in re.findall(r"{%\s*load\s+(\w+)", path.read_text()):
                owner = TAG_LIBRARIES.get(library)
                if owner and LEVEL[owner] > level:
                    wrong.append(f"{path.relative_to(ROOT)} loads {library} of {owner}")
    assert wrong == []


def test_the_check_finds_a_back_edge(tmp_path):
    """The graph check can fail: a module of actionplans importing reports is caught."""
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from reports.models import CommitteeReport\n")
    assert imported_apps(module) == {"reports"}
