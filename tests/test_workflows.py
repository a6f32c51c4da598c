"""The GitHub Actions workflow tests the book, then publishes what it tested.

`make lint` checks the workflow with actionlint (syntax, expressions) and
zizmor (pinned actions, least privilege, no template injection); these
tests check what only this book asks of it.
"""

from __future__ import annotations

import yaml

from scripts import launch
from tests.book import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow() -> dict:
    return yaml.safe_load((WORKFLOWS / "test.yml").read_text())


def test_one_workflow():
    assert [w.name for w in WORKFLOWS.glob("*.yml")] == ["test.yml"]


def test_it_runs_the_readme_command_on_every_change_and_weekly():
    workflow = _workflow()
    events = workflow[True]  # `on:` is parsed by YAML 1.1 as True
    assert {"push", "pull_request", "schedule"} <= set(events)
    runs = [step.get("run", "") for step in workflow["jobs"]["test"]["steps"]]
    assert any("make test 2>&1" in run for run in runs)


def test_only_main_fails_on_a_translation_lag():
    env = _workflow()["jobs"]["test"]["env"]
    assert env["BOOK_TRANSLATION_LAG"] == "${{ github.ref == 'refs/heads/main' && 'fail' || 'report' }}"


def test_the_deploy_publishes_the_tested_site_and_its_launch_branch():
    workflow = _workflow()
    test, deploy = workflow["jobs"]["test"], workflow["jobs"]["deploy"]
    published = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["needs"] == "test" and deploy["if"] == published
    # The test job builds main's site for the launch branch and hands over exactly that build.
    assert test["env"]["BOOK_LAUNCH_BRANCH"] == f"${{{{ {published} && '{launch.BRANCH}' || '' }}}}"
    upload = next(s for s in test["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    steps = deploy["steps"]
    assert not any("make" in s.get("run", "") for s in steps), "the deploy job builds nothing"
    push = next(i for i, s in enumerate(steps) if "scripts/launch.py" in s.get("run", ""))
    assert f"HEAD:refs/heads/{launch.BRANCH}" in steps[push]["run"]
    pages = next(i for i, s in enumerate(steps) if "deploy-pages" in s.get("uses", ""))
    assert push < pages, "the launch branch exists before the site that links to it"
    assert workflow["permissions"] == {} and test["permissions"] == {"contents": "read"}
    assert set(deploy["permissions"]) == {"contents", "pages", "id-token"}
