#!/usr/bin/env python3
"""A webhook receiver for Vigie's tests: a real HTTP server on loopback.

Prints its port on the first line of standard output, then serves until killed.
- POST /_plan {"responses": [{"status": 500}, ...], "default": {"status": 200, "headers": {...}, "body": "ok"}}
  sets what the next requests are answered; each listed response is used once, in order.
- GET /_requests returns every request received so far (method, path, headers, body, time).
- Any other request is recorded and answered by the plan. A response may carry "delay" (seconds);
  a body holding "{path}" gets the request's path there (a server that echoes what it was sent).
"""
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
requests = []
plan = {"responses": [], "default": {"status": 200, "body": "ok"}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_requests":
            with lock:
                body = json.dumps(requests).encode()
            return self._send(200, body, {"Content-Type": "application/json"})
        self._handle(b"")

    def do_POST(self):
        body = self._body()
        if self.path == "/_plan":
            global plan
            with lock:
                plan = json.loads(body)
                plan.setdefault("responses", [])
                plan.setdefault("default", {"status": 200, "body": "ok"})
            return self._send(204)
        self._handle(body)

    def _handle(self, body):
        with lock:
            requests.append({
                "method": self.command, "path": self.path, "time": time.time(),
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            })
            response = plan["responses"].pop(0) if plan["responses"] else plan["default"]
        if response.get("delay"):
            time.sleep(response["delay"])
        answer = response.get("body", "").replace("{path}", self.path)
        self._send(response.get("status", 200), answer.encode(), response.get("headers"))


ThreadingHTTPServer.request_queue_size = 128
ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
