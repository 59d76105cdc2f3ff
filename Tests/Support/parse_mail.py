#!/usr/bin/env python3
"""Parses an email the way a mail client does and prints what a test checks, as JSON."""
import email, email.policy, json, sys

message = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
parts = []
text_raw = None
for part in message.walk():
    if part.is_multipart():
        continue
    parts.append({"content_type": part.get_content_type(), "charset": part.get_content_charset(),
                  "content": part.get_content()})
    if text_raw is None and part.get_content_type() == "text/plain":
        # The bytes as sent, line endings included (get_content normalises them).
        text_raw = part.get_payload(decode=True).decode("utf-8")
print(json.dumps({
    "subject": str(message["subject"]), "raw_subject": message.get("subject", "").__class__.__name__,
    "from": str(message["from"]), "to": str(message["to"]), "message_id": str(message["message-id"]),
    "content_type": message.get_content_type(), "header_names": [name.lower() for name in message.keys()],
    "bcc": message.get_all("bcc"), "defects": [str(d) for d in message.defects], "parts": parts, "text_raw": text_raw,
}, ensure_ascii=False))
