#!/usr/bin/env python3
"""Live preview at scale: save-to-visible time of `pocketguide serve` and
`hugo server --disableLiveReload` on the same generated content.

Generates the site with benches/gen_site.rs (50 corridors x 4 languages x 20
chapters = 4,000 pages by default; Hugo gets the same Markdown), starts each
server in turn, then saves one chapter N times. Each save writes a new marker
into the chapter; the time counted runs from just before the write until a
GET of the chapter's URL returns the marker (polled every 2 ms). Saves are
1.5 s apart, so pocketguide's PDFs of the saved guide are still being
typeset when the next save lands (HTML must not wait for them).

Prints the median, minimum and maximum for each server and its peak memory.

usage: benches/serve_bench.py [--pocketguide PATH] [--saves N] [--corridors N]
       (a release build: cargo build --release; Hugo from Debian: apt-get install hugo)
"""
import argparse, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--pocketguide", default=os.path.join(root, "target/release/pocketguide"))
ap.add_argument("--saves", type=int, default=9)
ap.add_argument("--corridors", type=int, default=50)
ap.add_argument("--gap", type=float, default=1.5, help="seconds between saves")
args = ap.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def measure(name, cmd, cwd, url, page):
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        original = open(page, encoding="utf-8").read()
        deadline = time.time() + 300
        while "<html" not in get(url):
            if proc.poll() is not None or time.time() > deadline:
                sys.exit(f"{name} did not start")
            time.sleep(0.2)
        time.sleep(3)  # let the first build's background work settle
        times = []
        for i in range(args.saves):
            marker = f"SAVED-{i}-{time.time_ns()}"
            started = time.perf_counter()
            with open(page, "w", encoding="utf-8") as f:
                f.write(original + f"\n\n{marker}\n")
            while marker not in get(url):
                if time.perf_counter() - started > 60:
                    sys.exit(f"{name}: save {i} never showed")
                time.sleep(0.002)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(args.gap)
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
        rss = peak_rss_mb(proc.pid)
        print(f"{name:12} save-to-visible over {len(times)} saves: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f} ms, max {max(times):.0f} ms; peak memory {rss} MB", flush=True)
        return statistics.median(times)
    finally:
        proc.terminate()
        proc.wait()


with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["cargo", "run", "-q", "--release", "--example", "gen_site", "--",
                    "--corridors", str(args.corridors), "--chapters", "20", "--out", tmp],
                   cwd=root, check=True, stdout=subprocess.DEVNULL)
    pages = args.corridors * 4 * 20
    print(f"{pages} pages ({args.corridors} corridors x 4 languages x 20 chapters), "
          f"{args.saves} saves of en/uz-ee/chapter-3", flush=True)
    port = free_port()
    ours = measure(
        "pocketguide",
        [args.pocketguide, "serve", "--port", str(port)],
        os.path.join(tmp, "pocketguide"),
        f"http://127.0.0.1:{port}/en/uz-ee/chapter-3/",
        os.path.join(tmp, "pocketguide/content/uz-ee/en/chapter-3.md"),
    )
    hugo = shutil.which("hugo")
    if hugo is None:
        print("hugo not found: apt-get install hugo to compare")
        sys.exit(0)
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
    port = free_port()
    theirs = measure(
        f"hugo {version}",
        [hugo, "server", "--disableLiveReload", "--bind", "127.0.0.1", "--port", str(port),
         "--baseURL", f"http://127.0.0.1:{port}/", "--quiet"],
        os.path.join(tmp, "hugo"),
        f"http://127.0.0.1:{port}/en/uz-ee/chapter-3/",
        os.path.join(tmp, "hugo/content/en/uz-ee/chapter-3.md"),
    )
    print(f"pocketguide / hugo: {ours / theirs:.2f}")
