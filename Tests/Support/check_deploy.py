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
    check_deploy.py kubernetes FOLDER VIGIE_BINARY
        every manifest validated offline against the Kubernetes 1.30 schemas (kubernetes-validate
        --strict); the Deployment: several replicas, non-root, read-only root, no privilege
        escalation, no capability, resources, a readiness probe, time to finish a cycle on
        SIGTERM, secrets only from a Secret; the PodDisruptionBudget selects its pods; the
        ConfigMap's vigie.yaml passes `vigie config check` on PostgreSQL with its watchlists;
        the kustomization lists what exists, and never the Secret example.
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


def check_kubernetes(folder, binary):
    import yaml

    problems = []
    documents = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".yaml"):
            continue
        path = os.path.join(folder, name)
        documents[name] = yaml.safe_load(open(path, encoding="utf-8"))
        if documents[name].get("kind") == "Kustomization":
            continue
        validate = subprocess.run([os.path.join(os.path.dirname(sys.executable), "kubernetes-validate"), "--strict", "--quiet", "-k", "1.30.0", path],
                                  capture_output=True, text=True)
        if validate.returncode != 0:
            problems += [f"{name}: {line}" for line in (validate.stdout + validate.stderr).splitlines() if line.strip()]
    by_kind = {document.get("kind"): (name, document) for name, document in documents.items()}
    kustomization = by_kind.get("Kustomization", (None, {}))[1]
    for resource in kustomization.get("resources", []):
        if resource not in documents:
            problems.append(f"kustomization.yaml: {resource} does not exist")
    if "secret.example.yaml" in kustomization.get("resources", []):
        problems.append("kustomization.yaml: applies secret.example.yaml; secrets are created outside the repository")
    name, deployment = by_kind.get("Deployment", (None, None))
    if deployment is None:
        return problems + ["no Deployment"]
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels", {})
    if spec.get("replicas", 1) < 2:
        problems.append(f"{name}: {spec.get('replicas', 1)} replica; the point is several on PostgreSQL")
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        problems.append(f"{name}: pods may run as root (securityContext.runAsNonRoot)")
    if pod.get("terminationGracePeriodSeconds", 30) < 60:
        problems.append(f"{name}: terminationGracePeriodSeconds under 60: a cycle in flight may not commit")
    for container in pod.get("initContainers", []) + pod.get("containers", []):
        where = f"{name}: container {container['name']}"
        context = container.get("securityContext", {})
        if context.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}: allowPrivilegeEscalation is not false")
        if context.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}: the root filesystem is writable")
        if context.get("capabilities", {}).get("drop") != ["ALL"]:
            problems.append(f"{where}: capabilities not all dropped")
        resources = container.get("resources", {})
        if not {"cpu", "memory"} <= set(resources.get("requests", {})) or "memory" not in resources.get("limits", {}):
            problems.append(f"{where}: requests (cpu, memory) and a memory limit are needed")
        for variable in container.get("env", []):
            if "value" in variable and (SECRET_NAME.search(variable["name"]) or variable["name"].endswith("_URL")):
                problems.append(f"{where}: {variable['name']} is written in the manifest; take it from the Secret")
    main = [c for c in pod.get("containers", []) if c["name"] == "vigie"]
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        if not main or main[0].get(probe, {}).get("httpGet", {}).get("path") != path:
            problems.append(f"{name}: the vigie container's {probe} should ask {path}")
    service_name, service = by_kind.get("Service", (None, None))
    if service is None:
        problems.append("no Service")
    elif any(labels.get(key) != value for key, value in service["spec"].get("selector", {}).items()):
        problems.append(f"{service_name}: its selector does not match the Deployment's pods")
    pdb_name, pdb = by_kind.get("PodDisruptionBudget", (None, None))
    if pdb is None:
        problems.append("no PodDisruptionBudget")
    elif any(labels.get(key) != value for key, value in pdb["spec"]["selector"].get("matchLabels", {}).items()):
        problems.append(f"{pdb_name}: its selector does not match the Deployment's pods")
    config_name, config = by_kind.get("ConfigMap", (None, None))
    if config is None:
        return problems + ["no ConfigMap"]
    # vigie.yaml as Vigie reads it: the ConfigMap's files where the Deployment mounts them, and
    # a dummy value for every variable it names (they come from the Secret).
    work = tempfile.mkdtemp()
    try:
        items = {item["key"]: item["path"] for volume in pod.get("volumes", []) if volume.get("configMap", {}).get("name") == config["metadata"]["name"]
                 for item in volume["configMap"].get("items", [])}
        for key, text in config["data"].items():
            target = os.path.join(work, items.get(key, key))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as out:
                out.write(text.replace("/etc/vigie", work))
        text = config["data"].get("vigie.yaml", "")
        if not re.search(r"^store:\s*\n(\s+.*\n)*?\s+type: postgres", text, re.MULTILINE):
            problems.append(f"{config_name}: vigie.yaml does not use a PostgreSQL store")
        if not re.search(r"^http:\s*\n\s+listen: 0\.0\.0\.0:8080", text, re.MULTILINE):
            problems.append(f"{config_name}: vigie.yaml does not listen on 0.0.0.0:8080, where the probes ask")
        environment = dict(os.environ)
        for variable in re.findall(r"_env:\s*([A-Za-z_][A-Za-z0-9_]*)", text):
            environment[variable] = "postgres://vigie:dummy@db.invalid:5432/vigie" if "DATABASE" in variable else "https://example.invalid/x"
        check = subprocess.run([binary, "config", "check", os.path.join(work, items.get("vigie.yaml", "vigie.yaml"))], capture_output=True, text=True, env=environment)
        if check.returncode != 0:
            problems += [f"{config_name}: vigie config check: {line.replace(work, '/etc/vigie')}" for line in (check.stdout + check.stderr).splitlines() if line.strip()]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return problems


def main():
    kind = sys.argv[1]
    if kind == "systemd":
        problems = check_systemd(sys.argv[2], sys.argv[3])
    elif kind == "container":
        problems = check_container(sys.argv[2], sys.argv[3], sys.argv[4])
    elif kind == "kubernetes":
        problems = check_kubernetes(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown check {kind}")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
