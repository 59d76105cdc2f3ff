#!/usr/bin/env python3
"""Verifies a webhook the way a receiver using the official `standardwebhooks` package does.
Usage: verify_webhook.py SECRET < request.json   (request.json: {"headers": {...}, "body": "..."})
Prints the verified payload's type, or fails with the package's error."""
import json, sys
from standardwebhooks.webhooks import Webhook

request = json.load(sys.stdin)
payload = Webhook(sys.argv[1]).verify(request["body"], request["headers"])
print(json.dumps({"type": payload.get("type"), "id": request["headers"].get("webhook-id")}))
