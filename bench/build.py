"""Build-speed benchmark: site-builder against Hugo and Pelican on the same generated archive.

``python3 bench/build.py --sizes 10000 50000 [--peers/--no-peers] [--out bench/runs/…]``

For each size the archive is generated once per flavour and cached under
``bench/runs/archives/<flavour>-n<N>-s<seed>/`` (changes made by a previous run are undone
first). Then, each as a whole process, measured by ``measure.run``:

- site-builder (``site-builder build --root SITE``): cold build (``SITE/output`` and
  ``SITE/.cache`` deleted first), no-op rebuild, one edited article, one new article, one
  deleted article, one template edit (``SITE/templates`` is a copy of the default templates,
  ``site_builder/templates/``, built once unmeasured, then an HTML comment is appended to the
  base template);
- Hugo: cold build, rebuild after one edited article; Pagefind indexing Hugo's cold output;
- Pelican: cold build, cache warm-up (full build that fills the content cache), rebuild after
  one edited article with the cache.

"files written" counts output files that are new or whose mtime changed. A Markdown table per
size is printed (and written to ``OUT/report.md`` with ``OUT/results.json``). Ratios divide
site-builder's wall time by the peer's: cold by cold, every incremental scenario by the
peer's one-edit rebuild (a peer rebuilds the same way whatever changed). Below 1 is faster.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import generate
import measure
import peers

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RUNS = BENCH / "runs"
ARCHIVES = RUNS / "archives"
REPO_TEMPLATES = REPO / "site_builder" / "templates"
INCREMENTAL = ("no-op rebuild", "one edit", "one new article", "one deletion", "template edit")


@dataclass
class Row:
    """One line of the report: medians over the repeats of one scenario."""

    size: int
    tool: str
    scenario: str
    wall_s: float | None = None
    cpu_s: float | None = None
    peak_mb: float | None = None
    tree_peak_mb: float | None = None
    files_written: int | None = None
    files_total: int | None = None
    runs: int = 0
    load_1m: float | None = None
    note: str = ""


# --- archives ---------------------------------------------------------------------------


def ensure_archive(n: int, seed: int, flavour: str) -> Path:
    """The cached archive for ``(n, seed, flavour)``: generated if missing, else reset."""
    dest = ARCHIVES / f"{flavour}-n{n}-s{seed}"
    if generate.is_complete(dest, n, seed, flavour):
        generate.reset_archive(dest)
        return dest
    started = time.perf_counter()
    generate.generate_archive(dest, n, seed, flavour)
    log(f"generated {n} {flavour} articles in {time.perf_counter() - started:.1f} s: {dest}")
    return dest


# --- site-builder -----------------------------------------------------------------------


class SiteBuilderMissing(SystemExit):
    """site-builder cannot be run; the message says what to do."""


def site_builder_command(override: str | None) -> list[str]:
    """The command that runs site-builder: ``--site-builder-cmd``, else this interpreter with
    ``-m site_builder`` when it can import the package, else ``site-builder`` on PATH. (On a
    machine with pyenv, ``site-builder`` on PATH is a shell shim that takes 0.06 s to find the
    interpreter before site-builder starts: a sixteenth of an edit's build.)

    Raises :class:`SiteBuilderMissing` with instructions when it is absent or has no
    ``build`` subcommand taking ``--root``.
    """
    if override:
        command = shlex.split(override)
    elif importlib.util.find_spec("site_builder") is not None:
        command = [sys.executable, "-m", "site_builder"]
    else:
        command = ["site-builder"]
    if shutil.which(command[0]) is None:
        raise SiteBuilderMissing(
            f"error: {command[0]!r} not found on PATH. Install the package "
            f"(pip install -e {REPO}), pass --site-builder-cmd 'python3 -m site_builder.cli', "
            "or skip it with --no-site-builder."
        )
    probe = subprocess.run([*command, "build", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or "--root" not in probe.stdout + probe.stderr:
        raise SiteBuilderMissing(
            f"error: {shlex.join(command)} build --help failed or does not mention --root; "
            f"the benchmark needs `site-builder build --root SITE`.\n{probe.stderr[-1000:]}"
        )
    return command


def step(
    size: int,
    tool: str,
    scenario: str,
    run_once: Callable[[], measure.Measurement],
    out_dir: Path,
    repeat: int,
    prepare: Callable[[], object] | None = None,
) -> Row:
    """Run ``prepare`` then ``run_once`` ``repeat`` times; medians of wall, CPU, peak, files."""
    samples = []
    for _ in range(repeat):
        if prepare:
            prepare()
        before = measure.snapshot(out_dir)
        result = run_once()
        after = measure.snapshot(out_dir)
        samples.append((result, measure.files_written(before, after), len(after)))
        log(f"  {tool:12} {scenario:24} {result.wall_s:8.2f} s  (load {os.getloadavg()[0]:.1f})")
    row = summarise(size, tool, scenario, samples)
    row.load_1m = os.getloadavg()[0]
    return row


def summarise(size: int, tool: str, scenario: str, samples: list) -> Row:
    """Medians of the samples ``(Measurement, files_written, files_total)``."""
    results = [s[0] for s in samples]
    trees = [r.tree_peak_mb for r in results if r.tree_peak_mb is not None]
    return Row(
        size=size,
        tool=tool,
        scenario=scenario,
        wall_s=statistics.median(r.wall_s for r in results),
        cpu_s=statistics.median(r.cpu_s for r in results),
        peak_mb=statistics.median(r.peak_mb for r in results),
        tree_peak_mb=statistics.median(trees) if trees else None,
        files_written=int(statistics.median(s[1] for s in samples)),
        files_total=samples[-1][2],
        runs=len(samples),
    )


def bench_site_builder(size: int, site: Path, command: list[str], repeat: int) -> list[Row]:
    """The six site-builder scenarios on ``site``; stops at the first failing build."""
    out = site / "output"

    def build() -> measure.Measurement:
        return measure.run([*command, "build", "--root", str(site)], cwd=site, sample_tree=True)

    def cold() -> None:
        for name in ("output", ".cache"):
            shutil.rmtree(site / name, ignore_errors=True)

    scenarios: list[tuple[str, Callable[[], object] | None]] = [
        ("cold", cold),
        ("no-op rebuild", None),
        ("one edit", lambda: generate.edit_one(site)),
        ("one new article", lambda: generate.add_one(site)),
        ("one deletion", lambda: generate.delete_one(site)),
        ("template edit", lambda: edit_template(site, build)),
    ]
    rows: list[Row] = []
    for scenario, prepare in scenarios:
        try:
            rows.append(step(size, "site-builder", scenario, build, out, repeat, prepare))
        except (measure.CommandFailed, TemplateSkip) as error:
            rows.append(Row(size, "site-builder", scenario, note=first_line(error)))
            log(f"  site-builder {scenario}: {error}")
            if isinstance(error, measure.CommandFailed):
                break
    return rows


class TemplateSkip(RuntimeError):
    """The template-edit scenario cannot run (no templates in the repository yet)."""


def edit_template(site: Path, build: Callable[[], measure.Measurement]) -> Path:
    """Append an HTML comment to the base template of ``SITE/templates``; return that file.

    The first call copies the default templates (``site_builder/templates/``) into
    ``SITE/templates`` (logged in the manifest, so a reset removes it) and builds once,
    unmeasured, so that the measured build sees only the edit.
    """
    templates = site / "templates"
    if not templates.exists():
        if not any(REPO_TEMPLATES.glob("*.html")):
            raise TemplateSkip(f"skipped: no *.html template in {REPO_TEMPLATES}")
        generate.note_created(site, "templates")
        shutil.copytree(REPO_TEMPLATES, templates)
        build()
    target = base_template(templates)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"\n<!-- bench template edit {time.time_ns()} -->\n")
    return target


def base_template(templates: Path) -> Path:
    """The template most pages extend: ``base*.html``/``layout*.html``, else one that extends
    nothing, else the first ``*.html``."""
    candidates = sorted(templates.glob("*.html"))
    for path in candidates:
        if path.stem.startswith(("base", "layout")):
            return path
    for path in candidates:
        if "{% extends" not in path.read_text(encoding="utf-8"):
            return path
    return candidates[0]


def first_line(error: BaseException) -> str:
    """The first line of an error message, for a table note."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:160]


# --- peers ------------------------------------------------------------------------------


def bench_hugo(size: int, site: Path, repeat: int) -> list[Row]:
    """Hugo cold (median of ``repeat``), Pagefind on the cold output, Hugo after one edit."""
    public = site / "public"
    cold = step(size, "hugo", "cold", lambda: peers.run_hugo(site).measurement, public, repeat)
    pagefind_dir = public / "pagefind"
    index = step(
        size,
        "pagefind",
        "index Hugo output",
        lambda: peers.run_pagefind(site).measurement,
        pagefind_dir,
        repeat,
    )
    index.note = f"{measure.folder_bytes(pagefind_dir) / 1e6:.1f} MB index"
    edit = step(
        size,
        "hugo",
        "one edit",
        lambda: peers.run_hugo(site, cold=False).measurement,
        public,
        repeat,
        prepare=lambda: generate.edit_one(site),
    )
    return [cold, index, edit]


def bench_pelican(size: int, site: Path, repeat: int) -> list[Row]:
    """Pelican cold (clean config), cache warm-up, then one edit with the content cache."""
    output = site / "output"
    cold = step(
        size,
        "pelican",
        "cold",
        lambda: peers.run_pelican(site).measurement,
        output,
        repeat,
        prepare=lambda: peers.pelican_clean(site),
    )
    warm = step(
        size,
        "pelican",
        "cache warm-up",
        lambda: peers.run_pelican(site, cached=True).measurement,
        output,
        1,
        prepare=lambda: shutil.rmtree(site / "cache", ignore_errors=True),
    )
    edit = step(
        size,
        "pelican",
        "one edit",
        lambda: peers.run_pelican(site, cached=True).measurement,
        output,
        repeat,
        prepare=lambda: generate.edit_one(site),
    )
    edit.note = "content cache on"
    return [cold, warm, edit]


# --- report -----------------------------------------------------------------------------


def ratio(row: Row, rows: list[Row], peer: str) -> str:
    """``row``'s wall time over the comparable ``peer`` row's, as ``0.42×``; ``—`` if none."""
    if row.tool != "site-builder" or row.wall_s is None:
        return "—"
    wanted = "cold" if row.scenario == "cold" else "one edit"
    if row.scenario not in ("cold", *INCREMENTAL):
        return "—"
    for other in rows:
        if (other.tool, other.scenario) == (peer, wanted) and other.wall_s:
            return f"{row.wall_s / other.wall_s:.2f}×"
    return "—"


def markdown_table(size: int, rows: list[Row]) -> str:
    """The report table for one size."""
    lines = [
        f"### {size:,} articles",
        "",
        "| tool | scenario | wall s | CPU s | peak MB | tree MB | files written | "
        "vs Hugo | vs Pelican | load | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.tool} | {row.scenario} | {fmt(row.wall_s, 2)} | {fmt(row.cpu_s, 2)} | "
            f"{fmt(row.peak_mb, 0)} | {fmt(row.tree_peak_mb, 0)} | "
            f"{fmt(row.files_written, 0)} | {ratio(row, rows, 'hugo')} | "
            f"{ratio(row, rows, 'pelican')} | {fmt(row.load_1m, 1)} | {row.note} |"
        )
    return "\n".join(lines)


def fmt(value: float | None, digits: int) -> str:
    """A number for the table, ``—`` when missing."""
    return "—" if value is None else f"{value:,.{digits}f}"


def environment(peers_on: bool) -> list[str]:
    """Lines describing the machine and tool versions."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"- machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}",
        f"- site-builder commit: {commit or 'unknown'}",
        f"- load average at start: {os.getloadavg()[0]:.2f} (1 min; other work on the machine "
        "slows wall times: see the load column, 1-min load average at the end of each step)",
    ]
    if peers_on:
        lines += [f"- {tool}: {version}" for tool, version in peers.versions().items()]
    return lines


def log(message: str) -> None:
    """Progress on stderr (the report goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


# --- CLI --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario (median)")
    parser.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--site-builder",
        dest="site_builder",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure site-builder (--no-site-builder: peers only)",
    )
    parser.add_argument("--site-builder-cmd", help="command to run instead of 'site-builder'")
    parser.add_argument("--out", type=Path, help="report folder (default bench/runs/build-…)")
    return parser.parse_args(argv)


def run_size(size: int, args: argparse.Namespace, command: list[str] | None) -> list[Row]:
    """Every measurement for one archive size; archives are reset afterwards."""
    rows: list[Row] = []
    if command:
        site = ensure_archive(size, args.seed, "site-builder")
        try:
            rows += bench_site_builder(size, site, command, args.repeat)
        finally:
            generate.reset_archive(site)
    if args.peers:
        for flavour, bench in (("hugo", bench_hugo), ("pelican", bench_pelican)):
            site = ensure_archive(size, args.seed, flavour)
            try:
                rows += bench(size, site, args.repeat)
            finally:
                generate.reset_archive(site)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the report, save it with the raw results."""
    args = parse_args(argv)
    shown = shlex.join(["python3", "bench/build.py", *(sys.argv[1:] if argv is None else argv)])
    command = site_builder_command(args.site_builder_cmd) if args.site_builder else None
    if args.peers:
        peers.ensure_venv()
    out = args.out or RUNS / time.strftime("build-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    header = [f"Command: `{shown}`", "", *environment(args.peers), ""]
    print("\n".join(header), flush=True)
    all_rows: list[Row] = []
    tables = []
    for size in args.sizes:
        rows = run_size(size, args, command)
        all_rows += rows
        tables.append(markdown_table(size, rows))
        print(tables[-1] + "\n", flush=True)
    report = "\n".join(header) + "\n" + "\n\n".join(tables) + "\n"
    (out / "report.md").write_text(report, encoding="utf-8")
    results = {"command": shown, "rows": [asdict(row) for row in all_rows]}
    (out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    log(f"report: {out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
