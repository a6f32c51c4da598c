"""The GitHub Actions workflows are valid and safe, checked offline.

actionlint checks the syntax, the expressions and the events; zizmor checks
the security rules of the GitHub Actions ecosystem (every third-party action
pinned to a commit, least-privilege permissions, no credentials left in the
checkout, no template injection). Both run without the network.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.book import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_the_two_workflows_exist():
    assert [w.name for w in WORKFLOWS] == ["pages.yml", "test.yml"]


def test_actionlint_finds_nothing():
    run = subprocess.run([str(BIN / "actionlint"), *map(str, WORKFLOWS)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_zizmor_finds_nothing_even_pedantic():
    run = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona", "pedantic",
         "--no-progress", str(ROOT / ".github" / "workflows")],
        cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings" in run.stdout + run.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(workflow):
    """zizmor checks this too; this says it where a reader looks first."""
    steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"]
             .values() for step in job.get("steps", [])]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_the_test_workflow_runs_the_readme_command():
    test = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    runs = [step.get("run", "") for step in test["jobs"]["test"]["steps"]]
    assert any("make test" in run for run in runs)
    # `on:` is parsed by YAML 1.1 as True
    events = test[True]
    assert {"push", "pull_request", "schedule"} <= set(events)


def test_the_pages_workflow_builds_and_deploys_main():
    pages = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    assert pages[True]["push"]["branches"] == ["main"]
    build = [s.get("run", "") for s in pages["jobs"]["build"]["steps"]]
    assert "make book" in build
    assert pages["permissions"] == {}
    deploy = pages["jobs"]["deploy"]
    assert set(deploy["permissions"]) == {"pages", "id-token"}


def test_the_checkers_do_catch_mistakes(tmp_path):
    """Neither tool passes everything: an unpinned action and a typo fail."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n"
                   "    steps:\n      - uses: actions/checkout@v4\n"
                   "      - run: echo ${{ github.event.issue.titel }}\n")
    lint = subprocess.run([str(BIN / "actionlint"), str(bad)],
                          capture_output=True, text=True)
    assert lint.returncode != 0
    audit = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", str(bad.parent)],
        capture_output=True, text=True)
    assert audit.returncode != 0 and "unpinned" in audit.stdout + audit.stderr
