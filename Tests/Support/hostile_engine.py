#!/usr/bin/env python3
"""A fake, hostile Docker engine on a unix socket, for voltop's tests (not product code).

    hostile_engine.py SOCKET MODE [--after SECONDS] [--log FILE]

It answers the requests voltop sends (/_ping, /version, /info, /volumes, /volumes/NAME, DELETE /volumes/NAME,
/containers/json, /containers/ID/json, /system/df, /events, /images/NAME/json) in the shapes Docker 20.10
(API 1.41) uses, and in MODE does what a real engine will not:

  escapes    escape sequences (ESC [2J, OSC 52, BEL, C1 0x9b, bidi and zero-width characters) in error messages,
             volume names, labels, container names and states, event attributes
  stall      /_ping answers; every other reply sends its head and part of its body, then nothing, forever
  hang       answers normally for --after seconds (default 3), then every request (/_ping too) stalls
  truncated  JSON bodies cut in the middle (with a matching Content-Length)
  sizes      absurd sizes in /system/df (Int64.max, -1, 1e30 as a float, negative, past Int64)
  huge       200,000 volumes, one of them with a 50 MB label
  many       200,000 volumes (small labels)
  biglabel   one volume with a 50 MB label
  dffails    /system/df fails with HTTP 500 as Podman's does when one container is broken ("failed to get state of
             container …"); everything else is normal
  versioned  as normal, but every path without an API version (other than /_ping) answers 404, as a proxy that
             lets only versioned paths through would
  normal     a small, well-behaved engine

With --log, every request's method and path is appended to FILE as one line.
It prints "ready" on stdout once it listens. Stop it with SIGTERM.
"""
import json
import os
import re
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

ESC = "\x1b"
HOSTILE = (ESC + "[2J" + ESC + "]52;c;cHduZWQ=\x07" + "\x07" + "\u009b31m" + "\u202e" + "\u200b" + "\u061c" + "\ufeff" + ESC + "[0m")
RAW_C1 = b"\x9b"  # a lone C1 byte, invalid UTF-8: only in plain-text bodies

MODE = "normal"
START = time.time()
AFTER = 3.0
LOG = None
LOG_LOCK = threading.Lock()
ANON = "a39972e8da4af6b0a3d0a4d241ae196aa541ecae254f8615bf033d490f3ce813"
STOP = threading.Event()


def volume(name, labels=None, created="2026-11-29T11:19:15Z"):
    return {"CreatedAt": created, "Driver": "local", "Labels": labels, "Mountpoint": "/var/lib/docker/volumes/%s/_data" % name,
            "Name": name, "Options": None, "Scope": "local"}


def volumes():
    if MODE == "escapes":
        return [volume("plain", {"evil": HOSTILE, HOSTILE: "key"}), volume("evil" + HOSTILE + "name"), volume(ANON),
                volume("owned", {"com.docker.compose.project": HOSTILE})]
    if MODE in ("huge", "many", "biglabel"):
        out = [volume("plain", {"big": "x" * (50 << 20)} if MODE != "many" else {"a": "b"})]
        if MODE != "biglabel":
            out += [volume("v%06d" % i) for i in range(200000)]
        return out
    return [volume("plain", {"a": "b"}), volume(ANON), volume("owned")]


def containers():
    name = "/owner" + (HOSTILE if MODE == "escapes" else "")
    state = ("running" + HOSTILE) if MODE == "escapes" else "exited"
    return [{"Id": "e44c8c7e10690b0b5178fe2c8127782c328e7814d504228042fd49fcc554d2e3", "Names": [name],
             "Image": "busybox" + (HOSTILE if MODE == "escapes" else ""), "ImageID": "sha256:55316c41", "Command": "sleep 1",
             "Created": 1795951158, "Ports": [], "Labels": {"x": HOSTILE} if MODE == "escapes" else {},
             "State": state, "Status": "Exited (0)" + (HOSTILE if MODE == "escapes" else ""),
             "HostConfig": {"NetworkMode": "none"}, "NetworkSettings": {"Networks": {}},
             "Mounts": [{"Type": "volume", "Name": "owned", "Source": "/var/lib/docker/volumes/owned/_data",
                         "Destination": "/data", "Driver": "local", "Mode": "z", "RW": True, "Propagation": ""}]}]


def disk_usage():
    if MODE == "sizes":
        sizes = ["9223372036854775807", "-1", "1e30", "-9223372036854775808", "18446744073709551615", "-5"]
        entries = []
        for i, v in enumerate(volumes()):
            entries.append('{"Name":%s,"UsageData":{"Size":%s,"RefCount":%s}}' % (json.dumps(v["Name"]), sizes[i % len(sizes)], sizes[(i + 1) % len(sizes)]))
        # Raw text: Python's json would turn 1e30 and 2^64-1 into other spellings.
        return ('{"LayersSize":0,"Images":[],"Containers":[],"Volumes":[%s],"BuildCache":[]}' % ",".join(entries)).encode()
    entries = [{"Name": v["Name"], "UsageData": {"Size": 4096 * (i + 1), "RefCount": 1 if v["Name"] == "owned" else 0}}
               for i, v in enumerate(volumes())]
    return json.dumps({"LayersSize": 0, "Images": [], "Containers": [], "Volumes": entries, "BuildCache": []}).encode()


def version():
    return {"Platform": {"Name": ""}, "Version": "20.10.24+dfsg1", "ApiVersion": "1.41", "MinAPIVersion": "1.12",
            "Os": "linux", "Arch": "amd64", "KernelVersion": "6.1.0"}


def info():
    return {"ID": "HOST:ILE", "Name": "hostile" + (HOSTILE if MODE == "escapes" else ""), "ServerVersion": "20.10.24+dfsg1",
            "DockerRootDir": "/var/lib/docker", "OperatingSystem": "Debian", "OSType": "linux", "Containers": 1, "Images": 1}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Docker/20.10.24+dfsg1"
    sys_version = "(linux)"

    def log_message(self, *args):
        pass

    def address_string(self):
        return "unix"

    def stalled(self):
        return MODE == "stall" or (MODE == "hang" and time.time() - START > AFTER)

    def stall_forever(self):
        while not STOP.is_set():
            time.sleep(0.5)

    def reply(self, status, body=b"", ctype="application/json", head_only=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        if MODE == "truncated" and ctype == "application/json" and len(body) > 2 and status < 300:
            body = body[: len(body) // 2]
        stall = self.stalled() and not self.path_is_ping()
        if stall and not body:
            # Nothing to cut in the middle (a 204): stall before the head instead.
            self.stall_forever()
            return
        self.send_response(status)
        self.send_header("Api-Version", "1.41")
        self.send_header("Docker-Experimental", "false")
        self.send_header("Ostype", "linux")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head_only:
            return
        if stall:
            # The head and a part of the body, then nothing.
            self.wfile.write(body[: max(1, len(body) // 3)])
            self.wfile.flush()
            self.stall_forever()
            return
        self.wfile.write(body)

    def path_is_ping(self):
        return self.route() == "/_ping" and MODE != "hang"

    def route(self):
        path = self.path.split("?", 1)[0]
        return re.sub(r"^/v[0-9.]+", "", path)

    def error(self, status, message):
        if MODE == "escapes":
            message = message + " " + HOSTILE
        self.reply(status, {"message": message})

    def do_HEAD(self):
        self.handle_request("HEAD")

    def do_GET(self):
        self.handle_request("GET")

    def do_DELETE(self):
        self.handle_request("DELETE")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.handle_request("POST")

    def handle_request(self, method):
        if LOG:
            with LOG_LOCK, open(LOG, "a") as f:
                f.write(f"{method} {self.path}\n")
        r = self.route()
        if MODE == "hang" and self.stalled():
            # Not even the head.
            self.stall_forever()
            return
        if MODE == "versioned" and r != "/_ping" and r == self.path.split("?", 1)[0]:
            return self.error(404, "page not found")
        if r == "/_ping":
            self.send_response(200)
            self.send_header("Api-Version", "1.41")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", "2")
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(b"OK")
            return
        if r == "/version":
            return self.reply(200, version())
        if r == "/info":
            return self.reply(200, info())
        if r == "/volumes" and method == "GET":
            return self.reply(200, {"Volumes": volumes(), "Warnings": None})
        m = re.match(r"^/volumes/([^/]+)$", r)
        if m:
            from urllib.parse import unquote
            name = unquote(m.group(1))
            known = {v["Name"]: v for v in volumes()} if MODE not in ("huge", "many") else {"plain": volumes()[0]}
            if method == "DELETE":
                if MODE == "escapes":
                    # Plain text with a lone C1 byte, as an old engine or a proxy might answer.
                    self.send_response(500)
                    body = b"remove " + name.encode() + b": " + HOSTILE.encode() + RAW_C1 + b"\x1b[31m"
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if name == "owned":
                    return self.error(409, "remove owned: volume is in use - [e44c8c7e10690b0b5178fe2c8127782c328e7814d504228042fd49fcc554d2e3]")
                if name in known:
                    return self.reply(204, b"", ctype="text/plain")
                return self.error(404, "get %s: no such volume" % name)
            if name in known:
                return self.reply(200, known[name])
            return self.error(404, "get %s: no such volume" % name)
        if r == "/containers/json":
            return self.reply(200, containers())
        m = re.match(r"^/containers/([^/]+)/json$", r)
        if m:
            c = dict(containers()[0])
            c["Name"] = c["Names"][0]
            c["State"] = {"Status": c["State"], "Running": c["State"] == "running"}
            c["Config"] = {"Image": c["Image"], "Labels": c["Labels"], "Cmd": ["sleep", "1"]}
            return self.reply(200, c)
        if r.startswith("/images/"):
            return self.error(404, "no such image")
        if r == "/system/df":
            if MODE == "dffails":
                return self.error(500, "failed to get state of container 2798aadcf34f: no such container")
            return self.reply(200, disk_usage())
        if r == "/events":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if MODE == "escapes":
                event = {"status": "create", "id": "x", "Type": "volume", "Action": "create",
                         "Actor": {"ID": "evil" + HOSTILE, "Attributes": {"driver": HOSTILE}}, "scope": "local",
                         "time": int(time.time()), "timeNano": int(time.time() * 1e9)}
                line = (json.dumps(event) + "\n").encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
            self.stall_forever()
            return
        if re.match(r"^/containers/[^/]+/archive$", r) and method == "GET":
            # A tar stream's first bytes (only reached by tests that call the archive read directly).
            return self.reply(200, b"\0" * 4096, ctype="application/x-tar")
        if r.startswith("/containers/") and method in ("POST", "DELETE"):
            return self.error(500, "helper containers are not supported by this engine")
        self.error(404, "page not found")


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global MODE, AFTER, START, LOG
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    path, MODE = sys.argv[1], sys.argv[2]
    if "--after" in sys.argv:
        AFTER = float(sys.argv[sys.argv.index("--after") + 1])
    if "--log" in sys.argv:
        LOG = sys.argv[sys.argv.index("--log") + 1]
    if os.path.exists(path):
        os.unlink(path)
    server = Server(path, Handler)
    START = time.time()
    import signal

    def stop(*_):
        STOP.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


if __name__ == "__main__":
    main()
