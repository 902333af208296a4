#!/usr/bin/env python3
"""The measuring half of scripts/bench-scale (the script starts the engine and builds voltop).

Talks to the engine through its unix socket with http.client (the fixture is made through the API, in parallel),
runs voltop and the docker CLI, and drives the dashboard under tmux with VOLTOP_TRACE. Prints a plain table and,
with --json, the same figures as one JSON object.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HZ = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
WORKERS = 16


def log(msg):
    print(f"[bench-scale] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# The Engine API over the unix socket


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=300):
        super().__init__("docker", timeout=timeout)
        self.socket_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.socket_path)
        self.sock = s


class Engine:
    def __init__(self, path):
        self.path = path
        self.local = threading.local()

    def call(self, method, path, body=None, fresh=False):
        """One request; a keep-alive connection per thread unless `fresh`."""
        headers = {"Host": "docker"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(3):
            conn = UnixConnection(self.path) if fresh else getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = UnixConnection(self.path)
            try:
                conn.request(method, path, body=data, headers=headers)
                reply = conn.getresponse()
                payload = reply.read()
                if fresh:
                    conn.close()
                return reply.status, payload
            except (http.client.HTTPException, OSError):
                conn.close()
                if not fresh:
                    self.local.conn = None
                if attempt == 2:
                    raise

    def json(self, method, path, body=None):
        status, payload = self.call(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {payload[:300]!r}")
        return json.loads(payload) if payload else None

    def timed_volume_list(self):
        """Milliseconds for one `GET /volumes` on a fresh connection, the whole body read (the engine floor)."""
        t0 = time.perf_counter()
        status, payload = self.call("GET", "/volumes", fresh=True)
        elapsed = (time.perf_counter() - t0) * 1000
        if status != 200:
            raise RuntimeError(f"GET /volumes: HTTP {status}")
        return elapsed, len(payload)


def parallel(fn, items):
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(fn, items))


# ---------------------------------------------------------------------------------------------------------------
# The fixture


def volume_names(n):
    """`bench-vol-00000`...; every 100th is an anonymous-looking 64-hex name."""
    names = []
    for i in range(n):
        if i % 100 == 99:
            names.append(hashlib.sha256(f"bench-anon-{i}".encode()).hexdigest())
        else:
            names.append(f"bench-vol-{i:05d}")
    return names


def volume_labels(i):
    labels = {}
    if i % 10 == 0:
        labels["tier"] = "backend" if i % 20 == 0 else "frontend"
    if i % 7 == 0:
        labels.update({"com.docker.compose.project": f"proj-{i % 50}", "com.docker.compose.volume": f"data{i % 3}"})
    return labels


def build_fixture(engine, n, m, running):
    t0 = time.monotonic()
    names = volume_names(n)
    have = {v["Name"] for v in (engine.json("GET", "/volumes").get("Volumes") or [])}
    missing = [(i, name) for i, name in enumerate(names) if name not in have]
    if missing:
        log(f"creating {len(missing)} volumes through the API ({WORKERS} in parallel)")
        done = [0]
        lock = threading.Lock()

        def create(item):
            i, name = item
            engine.json("POST", "/volumes/create", {"Name": name, "Labels": volume_labels(i)})
            with lock:
                done[0] += 1
                if done[0] % 1000 == 0:
                    log(f"  {done[0]} volumes ({time.monotonic() - t0:.0f} s)")

        parallel(create, missing)
    # Container j owns three volumes spread over the whole list; the first `running` ones run.
    stride = max(1, n // (3 * max(m, 1)))
    existing = {c["Names"][0].lstrip("/") for c in engine.json("GET", "/containers/json?all=1")}
    todo = [j for j in range(m) if f"bench-ctr-{j:03d}" not in existing]
    if todo:
        log(f"creating {len(todo)} containers")

        def make(j):
            owned = sorted({names[((3 * j + t) * stride) % n] for t in range(3)})
            body = {
                "Image": "voltop-test/busybox:latest",
                "Cmd": ["sleep", "100000"] if j < running else ["true"],
                "Labels": {"com.docker.compose.project": f"proj-{j % 50}", "com.docker.compose.service": f"svc{j % 4}"}
                if j % 3 == 0
                else {},
                "HostConfig": {
                    "NetworkMode": "none",
                    "Binds": [f"{v}:/data{k}{':ro' if (j + k) % 5 == 0 else ''}" for k, v in enumerate(owned)],
                },
            }
            engine.json("POST", f"/containers/create?name=bench-ctr-{j:03d}", body)
            if j < running:
                engine.json("POST", f"/containers/bench-ctr-{j:03d}/start")

        parallel(make, todo)
    return time.monotonic() - t0, len(missing), len(todo)


# ---------------------------------------------------------------------------------------------------------------
# /proc


def proc_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_start_ms(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[19]) * 1000 / HZ


def proc_memory(pid):
    """VmRSS, RssAnon and RssFile in MiB."""
    out = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = int(rest.split()[0]) / 1024
    return out


def smaps_top(pid, count=8):
    """Resident MiB per mapping (file basename or [anon]/[heap]/[stack]), largest first."""
    by = {}
    current = None
    header = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")
    for line in open(f"/proc/{pid}/smaps"):
        if header.match(line):
            parts = line.split(None, 5)
            path = parts[5].strip() if len(parts) > 5 else ""
            current = os.path.basename(path) if path.startswith("/") else (path or "[anon]")
        elif line.startswith("Rss:") and current is not None:
            by[current] = by.get(current, 0) + int(line.split()[1]) / 1024
    return sorted(by.items(), key=lambda kv: -kv[1])[:count]


# ---------------------------------------------------------------------------------------------------------------
# The dashboard under tmux

# Records CLOCK_MONOTONIC, then forks and execs voltop at once, so voltop's own process start (the zero of
# VOLTOP_TRACE) is within a fraction of a millisecond of the stamp.
LAUNCHER = r"""
import os, sys, time
stamp, argv = sys.argv[1], sys.argv[2:]
t = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execv(argv[0], argv)
open(stamp, "w").write(f"{t} {pid}")
os.waitpid(pid, 0)
"""


class Dashboard:
    """One voltop dashboard in a tmux server of its own (120x35)."""

    serial = 0

    def __init__(self, args, voltop, workdir):
        Dashboard.serial += 1
        self.args = args
        self.server = f"{args.tmux}-{Dashboard.serial}"
        self.trace = os.path.join(workdir, f"trace-{Dashboard.serial}.txt")
        self.stamp = os.path.join(workdir, f"stamp-{Dashboard.serial}.txt")
        self.launcher = os.path.join(workdir, "launcher.py")
        if not os.path.exists(self.launcher):
            open(self.launcher, "w").write(LAUNCHER)
        self.env = dict(os.environ, LANG="C.UTF-8", VOLTOP_TRACE=self.trace, DOCKER_HOST=f"unix://{args.socket}")
        cmd = f"python3 {self.launcher} {self.stamp} {voltop} -H unix://{args.socket}; sleep 600"
        subprocess.run(
            ["tmux", "-L", self.server, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "120", "-y", "35", cmd],
            env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        deadline = time.monotonic() + 10
        while not (os.path.exists(self.stamp) and open(self.stamp).read().strip()):
            if time.monotonic() > deadline:
                raise RuntimeError("voltop did not start under tmux")
            time.sleep(0.002)
        t, pid = open(self.stamp).read().split()
        self.launched = float(t) * 1000
        self.pid = int(pid)
        self.start_ms = proc_start_ms(self.pid)

    def tmux(self, *a):
        return subprocess.run(["tmux", "-L", self.server, *a], capture_output=True, text=True, env=self.env).stdout

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "b", *keys)

    def screen(self):
        return self.tmux("capture-pane", "-e", "-p", "-t", "b")

    def lines(self, offset=0):
        """Trace lines (ms, step) from byte `offset`, and the new offset."""
        try:
            with open(self.trace, "rb") as f:
                f.seek(offset)
                data = f.read()
        except FileNotFoundError:
            return [], offset
        end = data.rfind(b"\n") + 1
        out = []
        for raw in data[:end].decode("utf-8", "replace").splitlines():
            m = re.match(r"\s*([\d.]+) ms\s+(.*)$", raw)
            if m:
                out.append((float(m.group(1)), m.group(2).strip()))
        return out, offset + end

    def wait_for(self, step, timeout=90):
        """The trace time (ms) of the first line starting with `step`, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ms, s in self.lines()[0]:
                if s.startswith(step):
                    return ms
            if not self.alive():
                return None
            time.sleep(0.005)
        return None

    def since_launch(self, trace_ms):
        """A trace time (ms since voltop's process start, tick-granular) as ms since the launch stamp.

        The trace subtracts the process start time in clock ticks from CLOCK_MONOTONIC; adding it back gives the
        monotonic time of the line, which the stamp was taken on. When that does not fit (a trace with another
        zero), the trace's own figure is used.
        """
        precise = trace_ms + self.start_ms - self.launched
        return precise if -1 < precise < trace_ms + 2 else trace_ms

    def alive(self):
        try:
            state = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()[0]
            return state not in ("Z", "X")
        except FileNotFoundError:
            return False

    def quit(self):
        if self.alive():
            self.keys("q")
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.02)
        self.tmux("kill-server")


KEY_FRAME = re.compile(r"key→frame\s+([\d.]+) ms(?:\s*\(reduce ([\d.]+), render ([\d.]+), draw ([\d.]+)\))?")


def key_frames(lines):
    return [float(m.group(1)) for _, s in lines if (m := KEY_FRAME.search(s))]


def key_frame_parts(lines):
    """Medians of reduce, render and draw over the key→frame lines that give them."""
    parts = [m.groups()[1:] for _, s in lines if (m := KEY_FRAME.search(s)) and m.group(2) is not None]
    if not parts:
        return None
    return {name: statistics.median(float(p[i]) for p in parts) for i, name in enumerate(["reduce", "render", "draw"])}


def catalog_loads(lines):
    return sum(1 for _, s in lines if re.match(r"catalog load\b(?!ed)", s))


def outside_key_latency(dash, key, timeout=3.0):
    """Ms from `tmux send-keys` until the pane's content (with attributes) changes; None when it does not."""
    before = dash.screen()
    t0 = time.perf_counter()
    dash.keys(key)
    while time.perf_counter() - t0 < timeout:
        if dash.screen() != before:
            return (time.perf_counter() - t0) * 1000
    return None


# Keys that each change the screen from the one before: down, up, bottom, top, the five sorts (back to name),
# then the filter, typed, and cleared.
CALM_KEYS = ["j"] * 5 + ["k"] * 5 + ["G", "g"] + ["s"] * 5 + ["/"] + list("bench-vol-0042") + ["Escape", "Escape"]


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    values.sort()
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p90": values[min(len(values) - 1, int(len(values) * 0.9))],
        "max": values[-1],
    }


# ---------------------------------------------------------------------------------------------------------------
# The run


def median_runs(cmds, runs, env):
    """Median wall ms of each command, the commands interleaved run by run (two warm-ups each)."""
    times = {name: [] for name, _ in cmds}
    for i in range(runs + 2):
        for name, argv in cmds:
            t0 = time.perf_counter()
            r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            elapsed = (time.perf_counter() - t0) * 1000
            if r.returncode != 0:
                raise RuntimeError(f"{name} failed: {r.stderr.decode()[:500]}")
            if i >= 2:
                times[name].append(elapsed)
    return {name: statistics.median(v) for name, v in times.items()}, times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--socket", required=True)
    p.add_argument("--dockerd-pid", type=int, required=True)
    p.add_argument("--volumes", type=int, default=10000)
    p.add_argument("--containers", type=int, default=320)
    p.add_argument("--running", type=int, default=8)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--voltop", required=True)
    p.add_argument("--voltop-alt", help="a second build to compare (memory, ls)")
    p.add_argument("--label", default="static stdlib")
    p.add_argument("--alt-label", default="shared stdlib")
    p.add_argument("--tmux", default=f"voltop-scale-{os.getpid()}")
    p.add_argument("--json", action="store_true")
    p.add_argument("--idle", type=float, default=30)
    p.add_argument("--burst", type=int, default=1000)
    args = p.parse_args()

    workdir = os.path.join("/tmp", f"vt-scale-work-{os.getpid()}")
    os.makedirs(workdir, exist_ok=True)
    engine = Engine(args.socket)
    env = dict(os.environ, DOCKER_HOST=f"unix://{args.socket}", LANG="C.UTF-8")
    docker = subprocess.run(["sh", "-c", "command -v docker"], capture_output=True, text=True).stdout.strip()
    res = {"volumesAsked": args.volumes, "containersAsked": args.containers}

    fixture_s, made_v, made_c = build_fixture(engine, args.volumes, args.containers, min(args.running, args.containers))
    version = engine.json("GET", "/version")
    res["engine"] = f"{version.get('Version')} (API {version.get('ApiVersion')})"
    res["volumes"] = len(engine.json("GET", "/volumes").get("Volumes") or [])
    containers = engine.json("GET", "/containers/json?all=1")
    res["containers"] = len(containers)
    res["runningContainers"] = sum(1 for c in containers if c.get("State") == "running")
    res["fixtureSeconds"] = fixture_s
    res["fixtureCreated"] = {"volumes": made_v, "containers": made_c}
    res["cores"] = os.cpu_count()
    log(f"engine {res['engine']}: {res['volumes']} volumes, {res['containers']} containers (fixture {fixture_s:.0f} s)")

    # --- the engine floor and the CLI -----------------------------------------------------------------------
    floors = [engine.timed_volume_list()[0] for _ in range(args.runs)]
    res["getVolumesBytes"] = engine.timed_volume_list()[1]
    host = ["-H", f"unix://{args.socket}"]
    cmds = [("docker volume ls", [docker, *host, "volume", "ls"]), ("voltop ls", [args.voltop, *host, "ls"]),
            ("voltop ls --json", [args.voltop, *host, "ls", "--json"])]
    if args.voltop_alt:
        cmds += [(f"voltop ls ({args.alt_label})", [args.voltop_alt, *host, "ls"]),
                 (f"voltop ls --json ({args.alt_label})", [args.voltop_alt, *host, "ls", "--json"])]
    log("timing the CLI")
    medians, all_times = median_runs(cmds, args.runs, env)
    floors += [engine.timed_volume_list()[0] for _ in range(args.runs)]
    res["floorGetVolumesMs"] = statistics.median(floors)
    res["cli"] = medians
    lines = subprocess.run([args.voltop, *host, "ls"], capture_output=True, env=env).stdout.count(b"\n")
    res["voltopLsLines"] = lines

    # --- first frame with names ----------------------------------------------------------------------------
    log(f"first frame: {args.runs} launches")
    names, catalogs, firsts, launch_floors = [], [], [], []
    for _ in range(args.runs):
        launch_floors.append(engine.timed_volume_list()[0])
        d = Dashboard(args, args.voltop, workdir)
        try:
            got = d.wait_for("frame with names", timeout=60)
            cat = d.wait_for("frame with the catalog", timeout=60)
            first = d.wait_for("first frame", timeout=1)
            names.append(d.since_launch(got) if got is not None else None)
            catalogs.append(d.since_launch(cat) if cat is not None else None)
            firsts.append(d.since_launch(first) if first is not None else None)
        finally:
            d.quit()
        time.sleep(0.3)
    floor = statistics.median(launch_floors + floors)
    res["floorGetVolumesMs"] = floor
    res["firstFrameMs"] = stats(firsts)
    res["firstFrameWithNamesMs"] = stats(names)
    res["frameWithCatalogMs"] = stats(catalogs)

    # --- one long dashboard: keys, a burst, memory, idle CPU --------------------------------------------------
    log("dashboard: keys, burst, memory and idle CPU (about 2 minutes)")
    d = Dashboard(args, args.voltop, workdir)
    try:
        if d.wait_for("frame with the catalog", timeout=60) is None:
            raise RuntimeError("the dashboard showed no catalog within 60 s: " + d.tmux("capture-pane", "-p", "-t", "b"))
        time.sleep(2)
        res["rssAfterStart"] = proc_memory(d.pid)
        _, offset = d.lines()
        for key in CALM_KEYS:
            d.keys(key)
            time.sleep(0.15)
        time.sleep(0.5)
        calm, offset = d.lines(offset)
        res["keyFrameCalmMs"] = stats(key_frames(calm))
        res["keyFrameCalmParts"] = key_frame_parts(calm)
        if res["keyFrameCalmMs"] is None:
            # No key→frame lines in this build's trace: seen from outside instead (tmux polling; coarser).
            res["keyFrameCalmOutsideMs"] = stats([outside_key_latency(d, k) for k in CALM_KEYS[:17]])
            _, offset = d.lines()

        # The burst: volumes created through the API while keys keep coming.
        burst_names = [f"bench-burst-{i:04d}" for i in range(args.burst)]
        done = threading.Event()
        t_burst = time.monotonic()

        def burst():
            parallel(lambda name: engine.json("POST", "/volumes/create", {"Name": name}), burst_names)
            done.set()

        threading.Thread(target=burst, daemon=True).start()
        outside = []
        i = 0
        while not done.is_set():
            key = "j" if i % 2 == 0 else "k"
            if res.get("keyFrameCalmMs") is None:
                outside.append(outside_key_latency(d, key, timeout=5))
            else:
                d.keys(key)
            i += 1
            time.sleep(0.1)
        res["burstSeconds"] = time.monotonic() - t_burst
        time.sleep(3)
        during, offset = d.lines(offset)
        res["burstVolumes"] = args.burst
        res["keyFrameBurstMs"] = stats(key_frames(during))
        res["keyFrameBurstParts"] = key_frame_parts(during)
        if outside:
            res["keyFrameBurstOutsideMs"] = stats(outside)
        res["catalogLoadsDuringBurst"] = catalog_loads(during)
        res["traceHasCatalogLoad"] = any(re.match(r"catalog load\b(?!ed)", s) for _, s in d.lines()[0])
        parallel(lambda name: engine.call("DELETE", f"/volumes/{name}"), burst_names)
        all_lines = d.lines()[0]
        sizes = [(ms, s) for ms, s in all_lines if s.startswith("sizes measured")]
        res["sizesMeasuredLines"] = len(sizes)
        res["lastSizesMeasuredMs"] = sizes[-1][0] if sizes else None

        # Memory after 60 s, then idle CPU over args.idle seconds (voltop and dockerd), then dockerd alone.
        wait = d.launched / 1000 + 60 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        res["rssAfter60s"] = proc_memory(d.pid)
        res["smapsAfter60s"] = smaps_top(d.pid)
        t0, v0, e0 = time.monotonic(), proc_ticks(d.pid), proc_ticks(args.dockerd_pid)
        time.sleep(args.idle)
        elapsed = time.monotonic() - t0
        res["idleCpuPercent"] = 100 * (proc_ticks(d.pid) - v0) / HZ / elapsed
        res["dockerdCpuPercentWithVoltop"] = 100 * (proc_ticks(args.dockerd_pid) - e0) / HZ / elapsed
    finally:
        d.quit()
    t0, e0 = time.monotonic(), proc_ticks(args.dockerd_pid)
    time.sleep(args.idle)
    res["dockerdCpuPercentWithoutVoltop"] = 100 * (proc_ticks(args.dockerd_pid) - e0) / HZ / (time.monotonic() - t0)

    # --- the second build's memory -----------------------------------------------------------------------
    if args.voltop_alt:
        log(f"{args.alt_label} build: memory after start and after 60 s")
        d = Dashboard(args, args.voltop_alt, workdir)
        try:
            if d.wait_for("frame with the catalog", timeout=60) is None:
                raise RuntimeError(f"the {args.alt_label} build showed no catalog within 60 s")
            time.sleep(2)
            res["altRssAfterStart"] = proc_memory(d.pid)
            # The same burst as above (created, then removed), so both builds' 60 s figures saw the same work.
            parallel(lambda name: engine.json("POST", "/volumes/create", {"Name": name}), burst_names)
            time.sleep(3)
            parallel(lambda name: engine.call("DELETE", f"/volumes/{name}"), burst_names)
            wait = d.launched / 1000 + 60 - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            res["altRssAfter60s"] = proc_memory(d.pid)
            res["altSmapsAfter60s"] = smaps_top(d.pid)
        finally:
            d.quit()
    res["binaryBytes"] = os.path.getsize(args.voltop)
    if args.voltop_alt:
        res["altBinaryBytes"] = os.path.getsize(args.voltop_alt)
    report(res, args)
    subprocess.run(["rm", "-rf", workdir])


def report(res, args):
    def ms(v):
        return "n/a" if v is None else f"{v:.1f} ms"

    def st(s, suffix=""):
        if not s:
            return "n/a (no such trace lines in this build)"
        return f"median {s['median']:.1f} ms, p90 {s['p90']:.1f}, max {s['max']:.1f} (n={s['n']}){suffix}"

    def mem(m):
        if not m:
            return "n/a"
        return f"RSS {m['VmRSS']:.1f} MiB (RssAnon {m['RssAnon']:.1f}, RssFile {m['RssFile']:.1f})"

    floor = res["floorGetVolumesMs"]
    cli = res["cli"]
    dvl = cli["docker volume ls"]
    target_mem = 20 if res["volumes"] <= 2000 else 40
    out = []
    w = out.append
    w(f"voltop at scale: {res['volumes']} volumes, {res['containers']} containers ({res['runningContainers']} running); "
      f"engine {res['engine']}; {res['cores']} cores")
    w(f"fixture: {res['fixtureSeconds']:.0f} s through the API (created now: {res['fixtureCreated']['volumes']} volumes, "
      f"{res['fixtureCreated']['containers']} containers); GET /volumes body {res['getVolumesBytes'] / 1e6:.1f} MB")
    w("")
    w("engine floor")
    w(f"  GET /volumes (fresh connection, body read)    {ms(floor):>10}   median")
    w(f"  docker volume ls                               {ms(dvl):>10}   median of {args.runs}")
    w("voltop ls                                         (interleaved with docker volume ls)")
    for name, value in cli.items():
        if name == "docker volume ls":
            continue
        w(f"  {name:<45}{ms(value):>10}   {value / dvl:.2f}x docker volume ls{'  (target <= 1.5x)' if name == 'voltop ls' else ''}")
    w(f"  voltop ls printed {res['voltopLsLines']} lines")
    w(f"dashboard, {args.runs} launches (ms since exec, from VOLTOP_TRACE)")
    w(f"  first frame                                    {st(res['firstFrameMs'])}")
    names = res["firstFrameWithNamesMs"]
    w(f"  first frame with names                         {st(names)}")
    if names:
        w(f"    minus the floor (GET /volumes {floor:.1f} ms)      {names['median'] - floor:+.1f} ms   (target <= 30 ms)")
    w(f"  frame with the catalog                         {st(res['frameWithCatalogMs'])}")
    w("key to new frame (trace: key→frame)")
    w(f"  calm (j k G g s / typing)                      {st(res['keyFrameCalmMs'])}")
    if res.get("keyFrameCalmParts"):
        w("    medians: " + ", ".join(f"{k} {v:.1f} ms" for k, v in res["keyFrameCalmParts"].items()))
    if "keyFrameCalmOutsideMs" in res:
        w(f"    seen through tmux instead                    {st(res['keyFrameCalmOutsideMs'])}")
    w(f"  during a burst of {res['burstVolumes']} volume creates ({res['burstSeconds']:.1f} s)  {st(res['keyFrameBurstMs'])}")
    if res.get("keyFrameBurstParts"):
        w("    medians: " + ", ".join(f"{k} {v:.1f} ms" for k, v in res["keyFrameBurstParts"].items()))
    if "keyFrameBurstOutsideMs" in res:
        w(f"    seen through tmux instead                    {st(res['keyFrameBurstOutsideMs'])}")
    loads = res["catalogLoadsDuringBurst"] if res["traceHasCatalogLoad"] else "n/a (no 'catalog load' trace lines)"
    w(f"  catalog loads during the burst (+3 s)          {loads}")
    w(f"  'sizes measured' lines: {res['sizesMeasuredLines']}, last at {ms(res['lastSizesMeasuredMs'])}")
    w(f"idle, {args.idle:.0f} s after 60 s")
    w(f"  voltop CPU                                     {res['idleCpuPercent']:.3f} % of a core   (target <= 0.1 %)")
    w(f"  dockerd CPU with voltop / without              {res['dockerdCpuPercentWithVoltop']:.3f} % / {res['dockerdCpuPercentWithoutVoltop']:.3f} %")
    w(f"memory (target <= {target_mem} MiB)")
    w(f"  {args.label}, after start".ljust(49) + mem(res.get("rssAfterStart")))
    w(f"  {args.label}, after 60 s (burst included)".ljust(49) + mem(res.get("rssAfter60s")))
    if "altRssAfterStart" in res:
        w(f"  {args.alt_label}, after start".ljust(49) + mem(res.get("altRssAfterStart")))
        w(f"  {args.alt_label}, after 60 s (same burst)".ljust(49) + mem(res.get("altRssAfter60s")))
    w(f"  resident after 60 s (MiB), {args.label}: " + ", ".join(f"{k} {v:.1f}" for k, v in res["smapsAfter60s"]))
    if "altSmapsAfter60s" in res:
        w(f"  resident after 60 s (MiB), {args.alt_label}: " + ", ".join(f"{k} {v:.1f}" for k, v in res["altSmapsAfter60s"]))
    sizes = f"binary {res['binaryBytes'] / 2**20:.1f} MiB ({args.label})"
    if "altBinaryBytes" in res:
        sizes += f", {res['altBinaryBytes'] / 2**20:.1f} MiB ({args.alt_label})"
    w(f"  {sizes}")
    print("\n".join(out))
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
