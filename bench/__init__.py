"""Rerunnable benchmarks: ``python -m bench``. Results are ratios against baselines measured
in the same run, as whole processes; see RESULTS.md."""
