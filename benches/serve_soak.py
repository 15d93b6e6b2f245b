#!/usr/bin/env python3
"""serve stays up on a real-size site: the 4,000-page generated site
(50 corridors x 4 languages x 20 chapters, benches/gen_site.rs), a save a
few seconds after start while the first PDFs are typeset, then a save every
second for a minute. Asserts that the process never dies and that the last
save's text is served; prints each save's time to visible and serve's peak
memory. Exit status 1 on any failure.

usage: benches/serve_soak.py [path/to/pocketguide] [seconds]   (release build)
"""
import os, re, statistics, subprocess, sys, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(root, "target/release/pocketguide")
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60


def peak_rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None


with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["cargo", "run", "-q", "--release", "--example", "gen_site", "--",
                    "--corridors", "50", "--chapters", "20", "--out", tmp], cwd=root, check=True)
    site = os.path.join(tmp, "pocketguide")
    proc = subprocess.Popen([binary, "serve", "--port", "0"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    failed = None
    try:
        port = None
        for line in proc.stdout:
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        # Keep reading serve's output so its pipe never fills.
        import threading
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        page = os.path.join(site, "content/uz-ee/en/chapter-3.md")
        url = f"http://127.0.0.1:{port}/en/uz-ee/chapter-3/"
        original = open(page, encoding="utf-8").read()

        def served(marker):
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    return marker in r.read().decode("utf-8", "replace")
            except OSError:
                return False

        time.sleep(3)  # the first PDFs are being typeset now
        times = []
        for i in range(seconds):
            marker = f"SOAK-SAVE-{i}"
            with open(page, "w", encoding="utf-8") as f:
                f.write(original + f"\n{marker}\n")
            saved = time.perf_counter()
            while not served(marker):
                if proc.poll() is not None:
                    failed = f"serve died after save {i} (exit {proc.returncode})"
                    break
                if time.perf_counter() - saved > 30:
                    failed = f"save {i} not visible after 30 s"
                    break
                time.sleep(0.01)
            if failed:
                break
            times.append((time.perf_counter() - saved) * 1000)
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - saved)))
        if not failed and proc.poll() is not None:
            failed = f"serve died (exit {proc.returncode})"
        rss = peak_rss_kb(proc.pid)
    finally:
        proc.terminate()
        proc.wait()
    if failed:
        print(f"FAIL: {failed}")
        sys.exit(1)
    print(f"serve survived {len(times)} saves, one a second, on 4,000 pages "
          f"(the first during the first PDF run): save-to-visible median "
          f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms; peak RSS "
          f"{rss // 1024 if rss else '?'} MB ({binary})")
