#!/usr/bin/env python3
"""Save-to-reload time of `pocketguide serve` on the example site.

Copies the example site (the repository root's site.yaml, content/, locales/,
themes/) to a temporary folder, starts `serve --port 0`, listens on the
reload event stream like a browser tab, then saves a chapter N times and
reports the time from each save to its `reload` event (median, min, max).

usage: benches/serve_reload.py [path/to/pocketguide] [runs]
"""
import os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(root, "target/release/pocketguide")
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10

with tempfile.TemporaryDirectory() as tmp:
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    shutil.copy(os.path.join(root, "site.yaml"), site)
    for d in ("content", "locales", "themes"):
        shutil.copytree(os.path.join(root, d), os.path.join(site, d))
    proc = subprocess.Popen([binary, "serve", "--port", "0"], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in proc.stdout:
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        time.sleep(2)  # let the first PDFs finish
        events = socket.create_connection(("127.0.0.1", port), timeout=30)
        events.sendall(f"GET /__pocketguide/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        events.recv(4096)
        page = os.path.join(site, "content/uz-ee/ru/rights-at-work.md")
        original = open(page, encoding="utf-8").read()
        times = []
        for i in range(runs):
            with open(page, "w", encoding="utf-8") as f:
                f.write(original + f"\nРедакция {i}.\n")
            saved = time.perf_counter()
            buf = b""
            while b"data: reload" not in buf:
                buf += events.recv(4096)
            times.append((time.perf_counter() - saved) * 1000)
            time.sleep(0.5)
        print(f"save-to-reload over {runs} saves: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f} ms, max {max(times):.0f} ms ({binary})")
    finally:
        proc.terminate()
        proc.wait()
