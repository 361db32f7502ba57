"""The benchmark drives the library as it is: a small run of its own steps keeps it working."""

from bench.__main__ import planner_rate
from bench.registers import NOW, build, edit_one_percent
from sheetflow import api


def test_the_bench_builds_edits_and_plans_a_register(tmp_path):
    synced = build(20, tmp_path)
    edited = edit_one_percent(synced, tmp_path / "edited.xlsx")
    assert planner_rate(synced) > 0
    assert api.sync_register(edited, now=NOW).plan.changed
