"""Checks the files in deploy/ with the tools their platforms use, since no service manager,
image builder or cluster runs here. Prints one problem per line; exits 1 if there is any.

    check_deploy.py systemd UNIT VIGIE_BINARY
        systemd-analyze verify (every warning is a problem: verify itself exits 0 on unknown
        keys), systemd-analyze security --offline at most 2.0 exposure, and the settings the
        deployment relies on.
    check_deploy.py container CONTAINERFILE REPOSITORY_ROOT VIGIE_BINARY
        parsed with dockerfile-parse: multi-stage, a non-root user, the state volume, every
        COPY source present in the repository, no secret in ENV/ARG, and every shared library
        the binary needs (other than the Swift runtime, linked in by --static-swift-stdlib)
        installed in the runtime stage or part of Debian's base.
"""
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Packages every Debian image has (Priority: required): no need to install them.
DEBIAN_BASE = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5"}
SWIFT_RUNTIME = re.compile(r"^lib(swift|Foundation|dispatch|BlocksRuntime)")
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|API_KEY|APIKEY)", re.IGNORECASE)


def check_systemd(unit, binary):
    problems = []
    text = open(unit, encoding="utf-8").read()
    folder = tempfile.mkdtemp()
    try:
        # verify checks that ExecStart's program exists: point it at the binary just built.
        copy = os.path.join(folder, os.path.basename(unit))
        with open(copy, "w", encoding="utf-8") as out:
            out.write(text.replace("/usr/local/bin/vigie", binary))
        verify = subprocess.run(["systemd-analyze", "verify", copy], capture_output=True, text=True)
        for line in (verify.stdout + verify.stderr).splitlines():
            if line.strip():
                problems.append("verify: " + line.replace(copy, unit))
        if verify.returncode != 0 and not problems:
            problems.append(f"verify: exit {verify.returncode}")
        security = subprocess.run(
            ["systemd-analyze", "security", "--offline=yes", "--threshold=20", "--no-pager", copy],
            capture_output=True, text=True)
        if security.returncode != 0:
            level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", security.stdout)
            problems.append("security: exposure " + (level.group(1) if level else "unknown") + ", more than 2.0")
    finally:
        shutil.rmtree(folder)

    settings = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    required = {
        "NoNewPrivileges": "yes", "ProtectSystem": "strict", "StateDirectory": "vigie",
        "ProtectHome": "yes", "PrivateTmp": "yes",
    }
    for key, value in required.items():
        if value not in settings.get(key, []):
            problems.append(f"{key}={value} is missing")
    if "yes" not in settings.get("DynamicUser", []) and not settings.get("User"):
        problems.append("the service runs as root: set DynamicUser=yes or User=")
    for key in ("Wants", "After"):
        if "network-online.target" not in " ".join(settings.get(key, [])):
            problems.append(f"{key}=network-online.target is missing")
    if not settings.get("EnvironmentFile") and not settings.get("LoadCredential"):
        problems.append("no EnvironmentFile= or LoadCredential= for the secrets")
    for key in ("Environment",):
        for value in settings.get(key, []):
            if SECRET_NAME.search(value.split("=", 1)[0]):
                problems.append(f"a secret written in the unit: {key}={value.split('=', 1)[0]}=…")
    return problems


def runtime_libraries(binary):
    """The Debian packages holding the shared libraries the binary links, Swift's aside."""
    needed = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    names = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed)
    resolved = {}
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>":
            resolved[parts[0]] = parts[2]
    packages = {}
    for name in names:
        if SWIFT_RUNTIME.match(name) or name.startswith("ld-linux"):
            continue
        path = os.path.realpath(resolved.get(name, name))
        candidates = [path, re.sub(r"^/usr", "", path), "/usr" + path]
        for candidate in candidates:
            owner = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
            if owner.returncode == 0:
                packages[name] = owner.stdout.split(":")[0]
                break
        else:
            packages[name] = None
    return packages


def check_container(containerfile, root, binary):
    from dockerfile_parse import DockerfileParser

    problems = []
    # A file object: given a path, dockerfile-parse expects a folder holding a "Dockerfile".
    with open(containerfile, "rb") as source:
        parser = DockerfileParser(fileobj=io.BytesIO(source.read()))
    instructions = parser.structure
    stages = []
    for instruction in instructions:
        if instruction["instruction"] == "FROM":
            stages.append({"from": instruction["value"], "lines": []})
        elif stages:
            stages[-1]["lines"].append(instruction)
        elif instruction["instruction"] not in ("ARG", "COMMENT"):
            problems.append(f"{containerfile}:{instruction['startline'] + 1}: {instruction['instruction']} before FROM")
    if len(stages) < 2:
        problems.append("not multi-stage: build with the Swift image, run on a slim one")
        return problems
    stage_names = [s["from"].split()[-1] for s in stages[:-1] if " AS " in s["from"].upper()]
    final = stages[-1]["lines"]

    def values(lines, kind):
        return [(i["value"], i["startline"] + 1) for i in lines if i["instruction"] == kind]

    users = values(final, "USER")
    if not users or users[-1][0].split(":")[0] in ("root", "0"):
        problems.append("the runtime stage runs as root: add USER with a non-root uid")
    if not any("/var/lib/vigie" in v for v, _ in values(final, "VOLUME")):
        problems.append("no VOLUME for the state folder /var/lib/vigie")
    entry = values(final, "ENTRYPOINT")
    if not entry or not entry[-1][0].startswith("["):
        problems.append("ENTRYPOINT missing or not in exec form (signals would go to a shell)")
    for value, line in values(final, "HEALTHCHECK"):
        if value.strip().upper() != "NONE" and "/healthz" not in value:
            problems.append(f"{containerfile}:{line}: HEALTHCHECK should ask /healthz")

    for stage in stages:
        for value, line in values(stage["lines"], "COPY") + values(stage["lines"], "ADD"):
            words = value.split()
            if any(w.startswith("--from=") for w in words):
                source_stage = next(w for w in words if w.startswith("--from="))[len("--from="):]
                if source_stage not in stage_names:
                    problems.append(f"{containerfile}:{line}: COPY from unknown stage {source_stage}")
                continue
            for source in [w for w in words if not w.startswith("--")][:-1]:
                if not os.path.exists(os.path.join(root, source)):
                    problems.append(f"{containerfile}:{line}: COPY source {source} is not in the repository")
                if re.search(r"(\.env$|credentials|secret)", source):
                    problems.append(f"{containerfile}:{line}: a secret copied into the image: {source}")
    for instruction in instructions:
        if instruction["instruction"] in ("ENV", "ARG") and SECRET_NAME.search(instruction["value"]):
            problems.append(f"{containerfile}:{instruction['startline'] + 1}: a secret in {instruction['instruction']}")

    builds = " ".join(v for s in stages[:-1] for v, _ in values(s["lines"], "RUN"))
    if "--static-swift-stdlib" not in builds:
        problems.append("the build does not link the Swift runtime in (--static-swift-stdlib)")
    installed = set(DEBIAN_BASE)
    for value, _ in values(final, "RUN"):
        for match in re.finditer(r"apt-get install ([^&;|]*)", value):
            installed.update(w for w in match.group(1).split() if not w.startswith("-"))
    for library, package in sorted(runtime_libraries(binary).items()):
        if package is None:
            problems.append(f"vigie needs {library}, which no Debian package here provides")
        elif package not in installed:
            problems.append(f"vigie needs {library} ({package}), not installed in the runtime stage")
    return problems


def main():
    kind = sys.argv[1]
    if kind == "systemd":
        problems = check_systemd(sys.argv[2], sys.argv[3])
    elif kind == "container":
        problems = check_container(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(f"unknown check {kind}")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
