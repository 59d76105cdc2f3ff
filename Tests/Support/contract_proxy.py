#!/usr/bin/env python3
"""A recording proxy for contract tests: forwards every request to an upstream (vigie
mock-provider) and keeps each exchange, request and answer, whole.

Usage: contract_proxy.py UPSTREAM_BASE_URL. Prints its port, then serves until killed.
GET /_exchanges returns the exchanges so far: method, path (with its query), request headers
and body, status, answer content type and body (base64 bodies).
"""
import base64, json, sys, threading, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

upstream = sys.argv[1].rstrip("/")
lock = threading.Lock()
exchanges = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self):
        if self.path == "/_exchanges":
            with lock:
                body = json.dumps(exchanges).encode()
            return self._send(200, body, "application/json")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        request = urllib.request.Request(upstream + self.path, data=body if self.command != "GET" else None, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer, content_type = response.status, response.read(), response.headers.get("Content-Type")
        except urllib.error.HTTPError as error:
            status, answer, content_type = error.code, error.read(), error.headers.get("Content-Type")
        with lock:
            exchanges.append({
                "method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": base64.b64encode(body).decode(), "status": status, "content_type": content_type,
                "answer": base64.b64encode(answer).decode(),
            })
        self._send(status, answer, content_type)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward


ThreadingHTTPServer.request_queue_size = 128
ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
