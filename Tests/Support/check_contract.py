#!/usr/bin/env python3
"""Checks recorded exchanges against an OpenAPI description (openapi-core): every request
(path, method, parameters, body) and every answer (status, required fields, types).

Usage: check_contract.py SPEC PREFIX < exchanges.json, where PREFIX is the path under which
the mock serves the API (/creditsafe). An exchange marked "invalid_request" was sent wrong on
purpose: only its answer is checked. Prints one line per exchange, "ok METHOD PATH" or
"FAIL METHOD PATH: why", and exits 1 if any failed.
"""
import base64, json, sys, urllib.parse
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

spec = yaml.load(open(sys.argv[1]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
prefix = sys.argv[2]
server = spec["servers"][0]["url"]
parsed_server = urllib.parse.urlparse(server)
api = OpenAPI.from_dict(spec)
failed = False
for exchange in json.load(sys.stdin):
    url = urllib.parse.urlparse(exchange["path"])
    if not url.path.startswith(prefix):
        continue
    path = parsed_server.path + url.path[len(prefix):]
    args = dict(urllib.parse.parse_qsl(url.query))
    body = base64.b64decode(exchange["body"])
    headers = exchange["headers"]
    request = MockRequest(
        f"{parsed_server.scheme}://{parsed_server.netloc}", exchange["method"].lower(), path, args=args,
        data=body or None, headers=headers, content_type=headers.get("content-type", "application/json").split(";")[0],
    )
    label = f'{exchange["method"]} {url.path}{"?" + url.query if url.query else ""}'
    problems = []
    try:
        # A request sent wrong on purpose (no token, a bad parameter) is checked for its answer only.
        if not exchange.get("invalid_request"):
            api.validate_request(request)
    except Exception as error:
        cause = error.__cause__
        details = "; ".join(f"{list(e.absolute_path)}: {e.message[:160]}" for e in (getattr(cause, "schema_errors", None) or [])[:5])
        problems.append(f"request: {type(error).__name__}: {details or cause or error}")
    answer = base64.b64decode(exchange["answer"])
    content_type = (exchange.get("content_type") or "application/json").split(";")[0]
    try:
        api.validate_response(request, MockResponse(data=answer, status_code=exchange["status"], content_type=content_type))
    except Exception as error:
        # The description gives `204 No Content` answers a JSON body, which HTTP forbids: an
        # empty 204 is what the standard (and the live service) sends.
        if not (exchange["status"] == 204 and not answer and type(error).__name__ == "MissingData"):
            cause = error.__cause__
            details = "; ".join(f"{list(e.absolute_path)}: {e.message[:160]}" for e in (getattr(cause, "schema_errors", None) or [])[:5])
            problems.append(f"answer {exchange['status']}: {type(error).__name__}: {details or cause or error}")
    if problems:
        failed = True
        print(f"FAIL {label}: " + " | ".join(problems)[:600])
    else:
        print(f"ok {label}")
sys.exit(1 if failed else 0)
