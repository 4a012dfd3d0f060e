"""Write synthetic CSV files in the import format, to measure import speed and memory.

The companies are invented ("Synthetic Startup 17") and every row says so in its notes and
source; they are for measurement only and never go into the sample data.

    python -m benchmarks.import_files OUT_DIR --rounds 100000 [--seed 7]
"""

import argparse
import csv
import random
from pathlib import Path

SOURCE = "https://example.invalid/synthetic-benchmark-data"


def write(folder: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    startups, investors = max(rounds // 5, 1), max(rounds // 100, 2)
    with (folder / "investors.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["slug", "name_en", "kind", "parent_slug", "source_url", "notes"])
        for i in range(investors):
            parent = f"inv-{i // 10 * 10}" if i % 10 else ""
            out.writerow([f"inv-{i}", f"Synthetic Investor {i}", "vc", parent, SOURCE, "synthetic"])
    with (folder / "startups.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["slug", "name_en", "city", "is_ai", "source_url", "notes"])
        for i in range(startups):
            out.writerow(
                [
                    f"st-{i}",
                    f"Synthetic Startup {i}",
                    rng.choice(["Beijing", "Shanghai"]),
                    "true" if rng.random() < 0.4 else "false",
                    SOURCE,
                    "synthetic",
                ]
            )
    with (folder / "rounds.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "startup_slug",
                "announced_on",
                "round_label",
                "amount",
                "amount_currency",
                "lead_investors",
                "participants",
                "source_url",
                "confidence",
                "notes",
            ]
        )
        for i in range(rounds):
            investors_in = rng.sample(range(investors), k=min(3, investors))
            out.writerow(
                [
                    f"st-{i % startups}",
                    f"{2015 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    f"Round {i // startups}",
                    int(rng.lognormvariate(16, 1.5)),
                    rng.choice(["USD", "CNY"]),
                    f"inv-{investors_in[0]}",
                    ";".join(f"inv-{n}" for n in investors_in[1:]),
                    SOURCE,
                    "estimate",
                    "synthetic",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write(args.folder, args.rounds, args.seed)


if __name__ == "__main__":
    main()
