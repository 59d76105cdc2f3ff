#!/usr/bin/env python3
"""Generates a benchmark watchlist and a two-step scenario.
Usage: bench-scenario.py FOLDER COMPANIES EVERY [--steady DAYS]
  (step 2 lowers the score of one company in EVERY; with --steady, DAYS daily steps say the same thing)"""
import json, os, random, shutil, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario_tools import luhn_digit, report  # noqa: E402
root, count, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
steady = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--steady" else 0
shutil.rmtree(root, ignore_errors=True)
random.seed(7)
sirens = sorted({(lambda b: b + luhn_digit(b))(str(random.randrange(10_000_000, 99_999_999))) for _ in range(count * 2)})[:count]
os.makedirs(os.path.join(root, "watchlists"))
with open(os.path.join(root, "watchlists", "portfolio.csv"), "w") as f:
    f.write("siren;raison sociale;responsable;encours;limite assurée\n")
    for i, s in enumerate(sirens):
        f.write(f"{s};CLIENT {i};owner{i % 40}@example.fr;{random.randrange(1000, 500000)},00;{random.randrange(0, 300000)}\n")
scores = {s: random.randrange(20, 100) for s in sirens}
limits = {s: random.randrange(1000, 300000) for s in sirens}
steps = [(f"{day + 1:02d}-same", f"2026-03-{day + 2:02d}") for day in range(steady)] if steady else [("01-baseline", "2026-03-02"), ("02-changes", "2026-03-03")]
for step, date in steps:
    folder = os.path.join(root, "scenario", "steps", step)
    os.makedirs(folder)
    with open(os.path.join(folder, "creditsafe.jsonl"), "w") as f:
        for i, s in enumerate(sirens):
            if step == "02-changes" and i % every == 0:
                scores[s] = max(0, scores[s] - (30 if every == 1 else random.randrange(5, 40)))
            f.write(report(s, scores[s], limits[s], date) + "\n")
with open(os.path.join(root, "vigie.yaml"), "w") as f:
    f.write("state_dir: state\nwatchlists: [watchlists]\nproviders:\n  fixture:\n    scenario: scenario\nchannels:\n  terminal:\n    enabled: false\n")
