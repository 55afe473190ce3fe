"""The benchmark's figures as Markdown, written into docs/performance.md between the
``bench:results`` markers (bench/run.py)."""

import urllib.parse
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def table(summary):
    pages = summary["pages"]
    minimal = {}
    for row in pages:
        if row["name"].startswith("minimal view"):
            minimal[row["name"]] = row["rps"]
    base = minimal.get("minimal view")
    lines = [
        "| page | conns | req/s | × minimal | p50 ms | p95 ms | p99 ms | SQL queries "
        "| page bytes | bytes sent | worker RSS MB | DB conns |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in pages:
        reference = minimal.get("minimal view (Redis config)") if "Redis" in row["name"] else base
        ratio = row["rps"] / reference if reference else 0
        lines.append(
            f"| {row['name']} | {row['connections']} | {row['rps']:,.0f} | {ratio:.2f} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['queries'] if row['queries'] is not None else '—'} | {row['page_bytes']:,} "
            f"| {row['wire_bytes']:,.0f} | {row['rss_mb']:.0f} | {row['db_connections']} |"
        )
    lines += ["", *writes_table(summary["writes"])]
    browser = summary.get("browser")
    if browser:
        lines += [
            "",
            f"| in Chromium, {next(iter(browser.values()))['throttle']:g}x CPU throttling, "
            "median of 3 fresh contexts | LCP ms | DOMContentLoaded ms | load ms "
            "| document kB (wire / decoded) | all kB on the wire | elements |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for url, row in browser.items():
            lines.append(
                f"| `{urllib.parse.urlsplit(url).path}` | {row['lcp_ms'] or 0:.0f} "
                f"| {row['dom_content_loaded_ms']:.0f} | {row['load_ms']:.0f} "
                f"| {row['document_wire_bytes'] / 1000:.0f} / {row['document_bytes'] / 1000:.0f} "
                f"| {row['all_wire_bytes'] / 1000:.0f} | {row['elements']:,.0f} |"
            )
    return "\n".join(lines)


def writes_table(writes):
    """The services' writes beside the floor measured in the same run (bench/perf_services.py):
    one row per write and ``synchronous_commit`` setting."""
    lines = [
        "| service write (in-process, committed) | synchronous_commit | count | p50 ms "
        "| p95 ms | over the floor, p50 ms | × floor | CPU p50 ms | statements |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for phase in ("synchronous_commit_on", "synchronous_commit_off"):
        setting = phase.rsplit("_", 1)[1]
        for name, row in writes[phase].items():
            label = "floor: bare `INSERT` + `COMMIT`" if name == "floor" else f"`{name}`"
            lines.append(
                f"| {label} | {setting} | {row['count']} | {row['p50_ms']} | {row['p95_ms']} "
                f"| {row.get('overhead_p50_ms', '—')} | {row.get('times_floor', 1.0)} "
                f"| {row['cpu_p50_ms']} | {row['queries']} |"
            )
    return lines


def write_doc(summary):
    data = summary["data"]
    load = ", ".join(f"{x:.2f}" for x in summary["load_before"])
    load_after = ", ".join(f"{x:.2f}" for x in summary["load_after"])
    block = "\n".join(
        [
            START,
            f"Measured {summary['started']} with `{summary['command']}` "
            f"({summary['cpus']} CPUs, gunicorn {summary['workers']} sync workers, wrk one "
            f"thread, {summary['duration']} s a row; load average {load} before, "
            f"{load_after} after). Data: {data['annotations']:,} annotations, "
            f"{data['versions']:,} version rows, {data['passages']:,} passages.",
            "",
            table(summary),
            END,
        ]
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
