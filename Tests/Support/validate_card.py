"""Validates Adaptive Cards against the official schema (data/channels/adaptive-card-1.5.0.schema.json).

Reads a JSON array of Teams messages on standard input; prints one line per card, "ok" or the
first schema error, and exits 1 if any card is invalid.
"""
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft6Validator(schema)
failed = False
for message in json.load(sys.stdin):
    for attachment in message["attachments"]:
        errors = sorted(validator.iter_errors(attachment["content"]), key=lambda e: e.path)
        if errors:
            failed = True
            print("invalid:", errors[0].message)
        else:
            print("ok")
sys.exit(1 if failed else 0)
