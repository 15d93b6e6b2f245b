#!/usr/bin/env python3
"""The measuring half of benches/compare.sh (which installs the tools)."""
import os, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG = os.path.join(ROOT, "target/release/pocketguide")
GEN = os.path.join(ROOT, "target/release/examples/gen_site")
RUNS = int(os.environ.get("RUNS", "5"))
SIZES = [int(s) for s in os.environ.get("SIZES", "1 10 50").split()]
CHAPTERS = int(os.environ.get("CHAPTERS", "20"))
LANGS = ["uz", "ru", "et", "en"]


def run_once(cmd, out_dir):
    """Wall time (s) and peak RSS (MB) of one run."""
    if out_dir and os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    with tempfile.NamedTemporaryFile("r") as t:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name, "bash", "-c", cmd],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, kb = t.read().split()[-2:]
    return float(wall), int(kb) / 1024


def measure(rows):
    """Median wall time and largest peak RSS of each row over RUNS rounds.
    The rows take turns within each round, so a machine that speeds up or
    slows down during the run weighs on every tool alike."""
    times = {name: [] for name, _, _ in rows}
    peaks = {name: [] for name, _, _ in rows}
    for _ in range(RUNS):
        for name, cmd, out_dir in rows:
            t, mb = run_once(cmd, out_dir)
            times[name].append(t)
            peaks[name].append(mb)
    return {name: (statistics.median(times[name]), max(peaks[name])) for name, _, _ in rows}


def main():
    print(f"{RUNS} rounds (tools take turns), median wall time, max peak RSS; "
          f"{CHAPTERS} chapters x {len(LANGS)} languages per corridor; {os.cpu_count()} cores")
    print(f"{'corridors':>9} {'pages':>6} {'tool':<28} {'time s':>8} {'peak MB':>8} {'time vs pg html':>16}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            src = os.path.join(tmp, f"site-{n}")
            subprocess.run([GEN, "--corridors", str(n), "--chapters", str(CHAPTERS), "--out", src],
                           check=True, stdout=subprocess.DEVNULL)
            pages = n * CHAPTERS * len(LANGS)
            out = os.path.join(tmp, f"out-{n}")
            pg_site = os.path.join(src, "pocketguide")
            books = " && ".join(
                f"mdbook build {src}/mdbook/{l} -d {out}/{l}" for l in LANGS)
            rows = [
                ("pocketguide build --no-pdf", f"{PG} build --no-pdf --site {pg_site} --out {out}", out),
                ("pocketguide build (+PDFs)", f"{PG} build --site {pg_site} --out {out}", out),
                ("pocketguide check", f"{PG} check --site {pg_site} || true", None),
                ("hugo", f"hugo --source {src}/hugo --destination {out} --quiet", out),
                ("mdbook (one book per lang)", books, out),
            ]
            # compare.sh installs every tool; run alone, this measures those
            # that are there.
            rows = [r for r in rows if shutil.which(r[1].split()[0])]
            results = measure(rows)
            base = None
            for name, _, _ in rows:
                t, mb = results[name]
                base = base or t
                pdfs = f" + {n * len(LANGS)} guides" if "PDF" in name else ""
                print(f"{n:>9} {pages:>6} {name:<28} {t:>8.3f} {mb:>8.0f} {t / base:>15.2f}x{pdfs}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
