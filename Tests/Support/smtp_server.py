#!/usr/bin/env python3
"""A real SMTP server for Vigie's tests (aiosmtpd, from Debian's python3-aiosmtpd).

Usage: smtp_server.py MAILDIR [--auth USER:PASSWORD] [--starttls | --tls]
Prints its port on the first line of standard output, then serves until killed. Each message
is written to MAILDIR/N.eml, with MAILDIR/N.json holding the envelope (from, recipients) and
whether the session was authenticated and encrypted.
"""
import asyncio, json, os, socket, ssl, subprocess, sys, tempfile, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

maildir = sys.argv[1]
os.makedirs(maildir, exist_ok=True)
auth = sys.argv[sys.argv.index("--auth") + 1] if "--auth" in sys.argv else None
starttls = "--starttls" in sys.argv
implicit = "--tls" in sys.argv


class Saver:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(maildir, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "recipients": envelope.rcpt_tos,
                       "authenticated": session.authenticated,
                       "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None}, f)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, data):
    if isinstance(data, LoginPassword) and f"{data.login.decode()}:{data.password.decode()}" == auth:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()

options = {}
if auth:
    options.update(authenticator=authenticator, auth_require_tls=starttls, auth_exclude_mechanism=["CRAM-MD5"])
if starttls or implicit:
    folder = tempfile.mkdtemp()
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    if implicit:
        options.update(ssl_context=context)
    else:
        options.update(tls_context=context, require_starttls=True)

controller = Controller(Saver(), hostname="127.0.0.1", port=port, **options)
controller.start()
print(port, flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
