"""One service, two roles (ROLE=api or ROLE=front), to show a workload lab end to end.

api:   GET / -> JSON with its greeting and the config file copied into the container.
front: GET / -> asks http://$UPSTREAM/ (by lab DNS name) and returns what it said, plus a file
       from the bind-mounted static folder. /health answers 200 once the server listens.
"""
import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLE = os.environ.get("ROLE", "api")
PORT = int(os.environ.get("PORT", "8080"))


def read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError as error:
        return f"unreadable: {error}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"ok": True, "role": ROLE})
        if ROLE == "api":
            config = json.loads(read("/etc/api/config.json"))
            return self.reply(200, {"role": "api", "greeting": os.environ.get("GREETING", ""), "config": config})
        upstream = os.environ["UPSTREAM"]
        with urllib.request.urlopen(f"http://{upstream}/", timeout=5) as answer:
            body = json.loads(answer.read())
        return self.reply(200, {"role": "front", "upstream": upstream, "from_upstream": body, "static": read("/srv/static/index.txt").strip()})

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


print(f"{ROLE} listening on :{PORT}", flush=True)
ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
