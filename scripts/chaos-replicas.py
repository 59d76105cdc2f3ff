#!/usr/bin/env python3
"""Three replicas on one PostgreSQL store, one SIGKILLed at random every few seconds.

Usage: chaos-replicas.py VIGIE POSTGRES_URL [--companies N] [--steps S] [--seed S]

Three `vigie run` replicas (r1, r2, r3, a 10 s interval) poll Creditsafe company by company at
the mock provider, and the BODACC feed, and deliver to a webhook. Every 15 s the mock moves to
the scenario's next step (300 companies change score). Every 3 to 8 s a replica chosen at random
is SIGKILLed, mid-poll or mid-delivery, and started again under its name 1 to 3 s later. Then the
killing stops, the replicas run two quiet intervals and are stopped with SIGTERM.

What must hold, checked here, exit 1 otherwise:
- no alert is raised twice: one score alert per company, new score and observation day;
- every alert is delivered to the webhook; the duplicates (a delivery sent, then its replica
  killed before it recorded it) are counted;
- no company waits for a poll longer than an interval plus, for each kill in between (at least
  one), a lease (two intervals) and the longest cycle the replicas logged: the replica that
  took over a killed one's shard may be killed in turn;
- a company polled again within an interval (its poll's replica killed before it committed, so
  another polls it again) is counted, and only happens right after a kill.
The figures are printed on one line, for BENCHMARKS.md and the issue's note.
"""
import json, os, random, re, signal, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario_tools import luhn_digit, report  # noqa: E402


def shard(siren, count=64):
    """WorkShare.shard(of:): FNV-1a over the digits."""
    h = 0xcbf29ce484222325
    for b in siren.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h % count


def psql(url, sql):
    return subprocess.run(["psql", "-At", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def post(url):
    with urllib.request.urlopen(urllib.request.Request(url, method="POST", data=b""), timeout=10) as answer:
        return json.load(answer)


def main():
    args = sys.argv[1:]
    vigie, server = args[0], args[1]
    options = dict(zip(args[2::2], args[3::2]))
    companies, steps, seed = int(options.get("--companies", 10000)), int(options.get("--steps", 8)), int(options.get("--seed", 12))
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="vigie-chaos-")

    # The scenario: a baseline, then each step moves 300 companies' scores.
    sirens = sorted({(lambda b: b + luhn_digit(b))(str(rng.randrange(10_000_000, 99_999_999))) for _ in range(companies * 2)})[:companies]
    os.makedirs(f"{work}/watchlists")
    with open(f"{work}/watchlists/portfolio.csv", "w") as f:
        f.write("siren;name;exposure\n" + "".join(f"{s};CLIENT {i};{rng.randrange(1000, 90000)}\n" for i, s in enumerate(sirens)))
    scores = {s: rng.randrange(40, 100) for s in sirens}
    for step in range(steps):
        day = f"2026-03-{step + 2:02d}"
        if step > 0:
            for s in rng.sample(sirens, 300):
                scores[s] = rng.randrange(0, 100)
        os.makedirs(f"{work}/scenario/steps/{step:02d}")
        with open(f"{work}/scenario/steps/{step:02d}/creditsafe.jsonl", "w") as f:
            f.writelines(report(s, scores[s], 50000, day) + "\n" for s in sirens)

    database = f"vigie_test_chaos_{os.getpid()}"
    psql(server, f"CREATE DATABASE {database}")
    url = server.rsplit("/", 1)[0] + "/" + database
    mock_log = open(f"{work}/mock.txt", "w")
    mock = subprocess.Popen([vigie, "mock-provider", "--port", "0", "--scenario", f"{work}/scenario"], stdout=mock_log, stderr=subprocess.STDOUT)
    port = None
    for _ in range(600):
        text = open(f"{work}/mock.txt").read()
        if "http://127.0.0.1:" in text:
            port = "".join(c for c in text.split("http://127.0.0.1:")[1][:6] if c.isdigit())
            break
        time.sleep(0.2)
    if port is None:
        sys.exit("chaos: the mock did not start")
    receiver = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "bench-receiver.py")], stdout=subprocess.PIPE, text=True)
    hook_port = receiver.stdout.readline().strip()
    base = f"http://127.0.0.1:{port}"
    for name in ("r1", "r2", "r3"):
        with open(f"{work}/{name}.yaml", "w") as f:
            f.write(f"""state_dir: state-{name}
watchlists: [watchlists]
interval: 10s                 # leases last two intervals: a killed replica's shards wait 20 s at most
http:
  listen: 127.0.0.1:0
store:
  type: postgres
  url_env: CHAOS_DATABASE_URL
  replica: {name}
  claim_timeout: 5s
providers:
  creditsafe:
    base_url: {base}/creditsafe
    username: demo
    password_env: CHAOS_SECRET
    rate: 1000000
    burst: 1000
    concurrency: 16
    monitoring: false         # a report per company, company by company: what shards divide
    interval: 10s             # every cycle (Creditsafe without monitoring is daily by default)
  bodacc:
    base_url: {base}/bodacc/api/explore/v2.1/catalog/datasets/annonces-commerciales
channels:
  terminal:
    enabled: false
  hook:
    type: webhook
    url: http://127.0.0.1:{hook_port}/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
""")
    env = dict(os.environ, CHAOS_DATABASE_URL=url, CHAOS_SECRET="demo")

    problems, kills, kill_times = [], 0, []
    interval, lease = 10.0, 20.0
    started = time.monotonic()

    def start(name):
        return subprocess.Popen([vigie, "run", "--config", f"{work}/{name}.yaml"], env=env, cwd=work,
                                stdout=subprocess.DEVNULL, stderr=open(f"{work}/{name}.log", "a"))

    replicas = {name: start(name) for name in ("r1", "r2", "r3")}
    try:
        next_step, next_kill = time.monotonic() + 15, time.monotonic() + rng.uniform(3, 8)
        advanced = 0
        while advanced < steps - 1:
            now = time.monotonic()
            if now >= next_step:
                post(f"{base}/_mock/advance")
                advanced += 1
                next_step = now + 15
            if now >= next_kill:
                victim = rng.choice(sorted(replicas))
                replicas[victim].send_signal(signal.SIGKILL)
                replicas[victim].wait()
                kills += 1
                kill_times.append(now - started)
                time.sleep(rng.uniform(1, 3))
                replicas[victim] = start(victim)
                next_kill = time.monotonic() + rng.uniform(3, 8)
            time.sleep(0.2)
        quiet_from = time.monotonic() - started
        time.sleep(2 * interval + 5)
        for process in replicas.values():
            process.send_signal(signal.SIGTERM)
        for process in replicas.values():
            process.wait(timeout=120)
        stopped = time.monotonic() - started
        subprocess.run([vigie, "alerts", "deliver", "--wait", "--config", f"{work}/r1.yaml"], env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pending = int(psql(url, "SELECT count(*) FROM delivery WHERE status <> 'delivered'"))
        if pending:
            problems.append(f"{pending} deliveries not delivered")
        alerts = int(psql(url, "SELECT count(*) FROM alert WHERE kind LIKE 'score%'"))
        # The same change of the same company seen twice (by two replicas, or before and after a
        # kill) would be two alerts with the same company, kind, new value and observation day.
        doubled = int(psql(url, """SELECT count(*) FROM (
            SELECT siren, kind, payload::jsonb #>> '{evidence,observation,_0,new}', payload::jsonb #>> '{evidence,observation,_0,observedOn}', count(*)
            FROM alert WHERE kind LIKE 'score%' GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d"""))
        if doubled:
            problems.append(f"{doubled} alerts raised twice")
        deliveries = int(psql(url, "SELECT count(*) FROM delivery WHERE channel = 'hook'"))
        # Poll gaps, on the mock's clock (its first served report is close to the replicas' start).
        times = get(f"{base}/_mock/report-times")
        first = min(t[0] for t in times.values())
        offset = first  # replicas started within a second of each other
        # A company waits at most: its replica's lease (killed after polling it, before the
        # commit), then the next replica's interval, then that replica's cycle until it reaches
        # the company; each further kill in that window (the next holder killed in turn) can add
        # a lease and a cycle. Cycles are slower on a busy machine: the bound takes the longest
        # measured.
        cycle = max([float(value) for name in ("r1", "r2", "r3") for value in re.findall(r"cycle\.seconds=([0-9.]+)", open(f"{work}/{name}.log").read())] or [0.0])
        longest, longest_bound, again, again_unexplained, overdue = 0.0, 0.0, 0, 0, []
        for siren in sirens:
            polls = times.get(siren, [])
            if not polls:
                problems.append(f"company {siren} never polled")
                continue
            for before, after in zip(polls, polls[1:]):
                killed = sum(1 for k in kill_times if before - offset - cycle <= k <= after - offset)
                bound = interval + 5 + max(1, killed) * (lease + cycle)
                if after - before > longest:
                    longest, longest_bound = after - before, bound
                if after - before > bound:
                    overdue.append(f"{siren} waited {after - before:.1f} s with {killed} kills in between (bound {bound:.1f} s)")
                if after - before < interval * 0.9 - 0.5:
                    again += 1
                    # Explained by a kill within the lease before the second poll.
                    if not any(0 <= (after - offset) - k <= lease + interval for k in kill_times):
                        again_unexplained += 1
        if overdue:
            problems.append(f"{len(overdue)} waits between polls longer than interval {interval:.0f} s + (kills in between, at least one) × (lease {lease:.0f} s + longest cycle {cycle:.1f} s) + 5 s: " + "; ".join(overdue[:5]))
        if again_unexplained:
            problems.append(f"{again_unexplained} companies polled twice within an interval with no kill before")
    finally:
        receiver.send_signal(signal.SIGTERM)
        received = receiver.stdout.read().strip()
        mock.terminate()
        mock.wait()
    count, distinct = int(received.split()[0]), int(received.split(", ")[1].split()[0])
    if distinct != deliveries:
        problems.append(f"the webhook received {distinct} distinct deliveries, the store has {deliveries}")
    print(f"chaos: {companies} companies, 3 replicas, {steps} steps over {stopped:.0f} s, {kills} replicas SIGKILLed; "
          f"longest wait between two polls of a company {longest:.1f} s (its bound {longest_bound:.1f} s; interval {interval:.0f} s, lease {lease:.0f} s, longest cycle {cycle:.1f} s); "
          f"{again} polls repeated within an interval after a kill; {alerts} score alerts, none raised twice; "
          f"{deliveries} webhook deliveries, all delivered, {count - distinct} sent twice (a replica killed between sending and recording)")
    if not problems:
        psql(server, f"DROP DATABASE {database} WITH (FORCE)")
    else:
        print(f"chaos: kept {work} and the database {database} to look into")
    for problem in problems:
        print(f"chaos: FAIL {problem}")
    sys.exit(1 if problems else 0)


main()
