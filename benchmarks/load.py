"""The load run (issue 8): officers of mixed roles work concurrently against gunicorn on
PostgreSQL, then the audit log is checked against what the clients saw.

``make load`` (or ``DATABASE_URL=postgres://… python benchmarks/load.py``; ``--help`` for the
options). On the server of ``DATABASE_URL`` it creates a fresh database (``--use-database`` works
in the one named instead), migrates it, makes a synthetic city (demo/scale/) and the
officers of the run, starts ``gunicorn config.wsgi`` on a free loopback port with DEBUG off,
and lets each virtual officer (a thread with its own session) log in once and then work its
inbox for ``--seconds``: pages, searched and filtered lists, API lists and the transitions of its
role in its jurisdiction. Officers of one role and jurisdiction sometimes race for the same
application on purpose: one must win, the other must get 409.

Afterwards the server is stopped and every application transition answered 200 must have
exactly one audit entry by the same officer, no application may have the same transition
twice, no audit entry may exist that no client saw succeed, every refused race must have been
won by someone else, and the hash chain must verify. The report gives the throughput, p50/p95/p99
per kind of request, the errors (any 5xx or unexpected status) and the conflicts. The database
it created is dropped at the end (``--keep`` keeps it).

Latencies are measured by the clients, which share the machine with the server: on a small
machine they include the clients' own waits for a core.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "benchmarks.load_settings"

# How the 50 officers of the issue divide among the roles (scaled for other counts).
ROLE_SHARES = (
    ("village_officer", 22),
    ("township_reviewer", 8),
    ("county_approver", 8),
    ("county_inspector", 6),
    ("supervisor", 6),
)
# The status each role's transition takes an application from, and the step it runs.
WORK = {
    "village_officer": ("submitted", "record_visit"),
    "township_reviewer": ("awaiting_township", "township_check"),
    "county_inspector": ("awaiting_county", "county_recheck"),
    "county_approver": ("awaiting_approval", "approve"),
}
# The bulk appraisal is not a named step; its audit action is "appraise".
APPRAISE = "appraise"
# Step name → its audit action (the FSM method), read from workflows once Django is set up.
AUDIT_ACTIONS: dict[str, str] = {}
# The household visits assess eligibility; the rural reward's generated families meet it
# (a program's code is its key).
VISITED_PROGRAM = "rural-reward"


# Records of what the clients saw.


@dataclass(frozen=True)
class Record:
    """One request: when it started (seconds into the run), how long it took, its answer."""

    kind: str
    started: float
    seconds: float
    status: int
    outcome: str  # "ok", "conflict" (409), "lost race" (400), "error"
    officer: str
    detail: str = ""


@dataclass(frozen=True)
class Transition:
    """A transition of one application by one officer, named by its audit action."""

    action: str
    application: int
    officer: str


@dataclass
class AuditCheck:
    """The audit log against the clients' view; ``ok`` when nothing is amiss."""

    successes: int
    entries: int
    lost: list[Transition] = field(default_factory=list)
    duplicated: list[tuple[str, int]] = field(default_factory=list)
    unseen: list[Transition] = field(default_factory=list)
    wrong_officer: list[Transition] = field(default_factory=list)
    unexplained_refusals: list[Transition] = field(default_factory=list)
    chain: object = None  # permissions.audit.ChainReport, once verified

    @property
    def ok(self) -> bool:
        chain_ok = self.chain is None or self.chain.intact
        return chain_ok and not (
            self.lost
            or self.duplicated
            or self.unseen
            or self.wrong_officer
            or self.unexplained_refusals
        )

    def lines(self) -> list[str]:
        head = "audit check: " + ("OK" if self.ok else "FAILED")
        lines = [
            f"{head}: {self.successes} transitions answered 200, {self.entries} audit entries "
            f"written during the run; {len(self.lost)} lost, {len(self.duplicated)} duplicated, "
            f"{len(self.unseen)} not seen by any client, {len(self.wrong_officer)} by another "
            f"officer, {len(self.unexplained_refusals)} refusals nobody won"
        ]
        if self.chain is not None:
            lines.append(
                f"audit chain: {self.chain.checked:,} entries, "
                + ("intact" if self.chain.intact else f"BROKEN at {self.chain.broken_seq}: ")
                + ("" if self.chain.intact else self.chain.reason)
            )
        for name in ("lost", "duplicated", "unseen", "wrong_officer", "unexplained_refusals"):
            for item in getattr(self, name)[:5]:
                lines.append(f"  {name}: {item}")
        return lines


def check_transitions(
    successes: list[Transition], refusals: list[Transition], entries: list[Transition]
) -> AuditCheck:
    """Compare the transitions the clients saw succeed (and saw refused as lost races) with the
    audit entries written for applications during the run.

    Lost: a success without an audit entry. Duplicated: an application with the same transition
    recorded (or answered 200) more than once. Unseen: an audit entry no client saw succeed.
    Wrong officer: the entry names another officer than the one answered 200. Unexplained: a
    refusal (409, or 400 for a step no longer allowed) of a transition no client succeeded in
    (the winner may be the refused officer itself, racing for an application it had already
    moved from a list read before).
    """
    seen = Counter((t.action, t.application) for t in successes)
    recorded = Counter((e.action, e.application) for e in entries)
    by_key = {(e.action, e.application): e.officer for e in entries}
    check = AuditCheck(successes=len(successes), entries=len(entries))
    check.lost = [t for t in successes if not recorded[(t.action, t.application)]]
    check.duplicated = sorted(
        key for key in set(seen) | set(recorded) if seen[key] > 1 or recorded[key] > 1
    )
    check.unseen = [e for e in entries if not seen[(e.action, e.application)]]
    check.wrong_officer = [
        t
        for t in successes
        if seen[(t.action, t.application)] == recorded[(t.action, t.application)] == 1
        and by_key[(t.action, t.application)] != t.officer
    ]
    check.unexplained_refusals = [r for r in refusals if not seen[(r.action, r.application)]]
    return check


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` from 0 to 100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def summary_lines(records: list[Record], elapsed: float) -> list[str]:
    """The table of requests per kind (p50/p95/p99 in ms) and the totals."""
    kinds = defaultdict(list)
    for record in records:
        kinds[record.kind].append(record)
    lines = [
        f"{'kind':<34} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'409':>5} {'400':>5} {'errors':>6}"
    ]
    for kind in sorted(kinds) + ["all"]:
        rows = records if kind == "all" else kinds[kind]
        if not rows:
            continue
        ms = [r.seconds * 1000 for r in rows]
        outcomes = Counter(r.outcome for r in rows)
        lines.append(
            f"{kind:<34} {len(rows):>8} {percentile(ms, 50):>8.0f} {percentile(ms, 95):>8.0f} "
            f"{percentile(ms, 99):>8.0f} {outcomes['conflict']:>5} {outcomes['lost race']:>5} "
            f"{outcomes['error']:>6}"
        )
    lines.append(
        f"total: {len(records)} requests in {elapsed:.1f} s: {len(records) / elapsed:.1f} req/s"
    )
    return lines


# The officers of the run.


@dataclass(frozen=True)
class OfficerSpec:
    username: str
    role: str
    region: str


def roster(villages: list[str], townships: list[str], counties: list[str], count: int):
    """``count`` officers by ROLE_SHARES: village officers in distinct villages, township
    reviewers in distinct townships until every township has one (then a second reviewer in
    the first ones, who race their partners), county approvers and inspectors and supervisors
    spread over the counties in turn."""
    total = sum(share for _role, share in ROLE_SHARES)
    counts = {role: max(1, round(count * share / total)) for role, share in ROLE_SHARES}
    counts["village_officer"] += count - sum(counts.values())
    places = {
        "village_officer": villages,
        "township_reviewer": townships,
        "county_approver": counties,
        "county_inspector": counties,
        "supervisor": counties,
    }
    return [
        OfficerSpec(f"load_{role}_{n + 1}", role, places[role][n % len(places[role])])
        for role, _share in ROLE_SHARES
        for n in range(counts[role])
    ]


# The client side: a session per virtual officer over plain http.client.


class Session:
    """Cookies and the CSRF token of one logged-in officer; one connection, reopened as the
    server closes it (gunicorn's sync workers answer one request per connection)."""

    def __init__(self, context: "RunContext", officer: str, records: list):
        self.connection = http.client.HTTPConnection(context.host, context.port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.context, self.officer, self.records = context, officer, records

    def request(self, kind, method, path, *, body=None, form=None, expect=(200,)):
        """Send one request and record it; returns (status, body bytes)."""
        headers = {"Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method != "GET":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            status = response.status
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            status, content = 0, str(error).encode()
        seconds = time.perf_counter() - started
        if status in expect:
            outcome = {409: "conflict", 400: "lost race"}.get(status, "ok")
        else:
            outcome = "error"
        detail = "" if outcome == "ok" else f"{method} {path}: {content[:200]!r}"
        self.records.append(
            Record(
                kind, started - self.context.zero, seconds, status, outcome, self.officer, detail
            )
        )
        return status, content

    def login(self, password: str) -> bool:
        status, page = self.request("login page", "GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return False
        status, _content = self.request(
            "login",
            "POST",
            "/login/",
            form={
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": self.officer,
                "password": password,
            },
            expect=(302,),
        )
        return status == 302 and "sessionid" in self.cookies


class RaceBoard:
    """Where officers of one role and jurisdiction stage a race: one offers an application and
    waits a moment for a partner; both then send the same transition at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.offer = None  # (application id, barrier)

    def stage(self, application: int, wait: float) -> bool:
        """Offer ``application``; True when a partner joined (both are released together)."""
        barrier = threading.Barrier(2)
        with self.lock:
            if self.offer is not None:
                return False
            self.offer = (application, barrier)
        try:
            barrier.wait(timeout=wait)
            joined = True
        except threading.BrokenBarrierError:
            joined = False
        with self.lock:
            if self.offer is not None and self.offer[1] is barrier:
                self.offer = None
        return joined

    def join(self) -> int | None:
        """Take a partner's offer, if one is waiting; the application to race for."""
        with self.lock:
            offer, self.offer = self.offer, None
        if offer is None:
            return None
        try:
            offer[1].wait(timeout=1)
        except threading.BrokenBarrierError:
            return None
        return offer[0]


@dataclass
class RunContext:
    host: str
    port: int
    password: str
    seconds: float
    today: str
    year: int
    think: tuple[float, float]
    race_share: float
    race_wait: float
    boards: dict  # (role, region) → RaceBoard, where two or more officers share them
    # Set when every officer has logged in: the clock of the run and its end.
    zero: float = 0.0
    deadline: float = math.inf

    def begin(self) -> None:
        self.zero = time.perf_counter()
        self.deadline = self.zero + self.seconds


class VirtualOfficer:
    """One officer's thread: log in, then work until the deadline."""

    def __init__(self, spec: OfficerSpec, context: RunContext, seed: int, start):
        self.spec, self.context, self.start = spec, context, start
        self.rng = random.Random(seed)
        self.logins: list[Record] = []
        self.records: list[Record] = []
        self.successes: list[Transition] = []
        self.refusals: list[Transition] = []
        self.races = Counter()
        self.session = Session(context, spec.username, self.logins)
        self.board = context.boards.get((spec.role, spec.region))
        self.logged_in = False

    def run(self) -> None:
        self.logged_in = self.session.login(self.context.password)
        self.start.wait()
        self.session.records = self.records
        if not self.logged_in:
            return
        work = getattr(self, f"work_{self.spec.role}")
        while time.perf_counter() < self.context.deadline:
            work()

    # Helpers.

    def get(self, kind, path, params=None):
        query = f"?{urlencode(params)}" if params else ""
        status, content = self.session.request(kind, "GET", path + query)
        return json.loads(content) if status == 200 and path.startswith("/api/") else None

    def think(self) -> None:
        """Pause like a person reading; a partner's race offer is taken up at once."""
        until = time.perf_counter() + self.rng.uniform(*self.context.think)
        while (now := time.perf_counter()) < until:
            if self.board is not None and self.spec.role in WORK:
                application = self.board.join()
                if application is not None:
                    self.races["joined"] += 1
                    self.transition(application, raced=True)
            time.sleep(min(0.05, max(0.0, until - now)))

    def transition(self, application: int, raced: bool = False) -> None:
        _status, step = WORK[self.spec.role]
        body = {"opinion": "同意"}
        if step in ("record_visit", "county_recheck"):
            from casework.models.applications import ALL_CHECKS

            body = {
                "visited_on": self.context.today,
                "met_in_person": True,
                "checklist": list(ALL_CHECKS),
                "opinion": "属实",
            }
        status, _content = self.session.request(
            f"transition {step}" + (" (raced)" if raced else ""),
            "POST",
            f"/api/v1/applications/{application}/transitions/{step}/",
            body=body,
            expect=(200, 409, 400),
        )
        done = Transition(AUDIT_ACTIONS[step], application, self.spec.username)
        if status == 200:
            self.successes.append(done)
        elif status in (409, 400):
            self.refusals.append(done)

    def take_one(self, ids: list[int]) -> None:
        """Open one of ``ids`` and run the role's transition, racing a partner sometimes."""
        if not ids:
            return
        application = self.rng.choice(ids[:20])
        self.get("page application", f"/applications/{application}/")
        self.think()
        self.get("api detail", f"/api/v1/applications/{application}/")
        if self.board is not None and self.rng.random() < self.context.race_share:
            self.races["staged"] += 1
            if self.board.stage(application, self.context.race_wait):
                self.races["raced"] += 1
                self.transition(application, raced=True)
                return
        self.transition(application)

    def search(self) -> None:
        from casework.factories import SURNAMES

        self.get("page list searched", "/applications/", {"q": self.rng.choice(SURNAMES[:20])})

    # The roles' work: one round of it per call.

    def work_village_officer(self) -> None:
        self.get("page inbox", "/tasks/")
        self.think()
        region = self.spec.region
        waiting = self.get(
            "api list",
            "/api/v1/applications/",
            {"status": "submitted", "program": VISITED_PROGRAM, "region": region},
        )
        self.think()
        if waiting and waiting["results"]:
            self.take_one([row["id"] for row in waiting["results"]])
        else:
            visited = self.get(
                "api list", "/api/v1/applications/", {"status": "visited", "region": region}
            )
            if visited and visited["results"]:
                self.appraise([row["id"] for row in visited["results"][:3]])
        self.think()
        self.get("page list filtered", "/persons/", {"sex": "female"})
        self.think()
        self.search()
        self.think()

    def appraise(self, ids: list[int]) -> None:
        status, content = self.session.request(
            "transition appraise (bulk)",
            "POST",
            "/api/v1/applications/appraise/",
            body={
                "held_on": self.context.today,
                "attendees": "村两委成员、村民代表、老党员、同龄村民",
                "representatives": 5,
                "party_members": 2,
                "peers": 2,
                "minutes": "逐户介绍入户核实情况，与会人员无异议，一致同意。",
                "entries": [{"application": pk, "opinion": "agree"} for pk in ids],
            },
        )
        if status != 200:
            return
        for row in json.loads(content)["results"]:
            done = Transition(APPRAISE, row["application"], self.spec.username)
            (self.successes if row["done"] else self.refusals).append(done)

    def _reviewer_round(self, extra: dict | None = None) -> None:
        waiting_at, _step = WORK[self.spec.role]
        self.get("page inbox", "/tasks/")
        self.think()
        if extra is None:
            rows = self.get("api tasks", "/api/v1/tasks/", {"step": waiting_at})
            ids = [row["application"] for row in rows["results"]] if rows else []
        else:
            rows = self.get("api list", "/api/v1/applications/", {"status": waiting_at, **extra})
            ids = [row["id"] for row in rows["results"]] if rows else []
        self.think()
        self.take_one(ids)
        self.think()
        self.get("page list filtered", "/applications/", {"status": waiting_at, "page": 2})
        self.think()
        self.search()
        self.think()

    def work_township_reviewer(self) -> None:
        self._reviewer_round()

    def work_county_approver(self) -> None:
        self._reviewer_round()

    def work_county_inspector(self) -> None:
        self._reviewer_round({"program": VISITED_PROGRAM})

    def work_supervisor(self) -> None:
        year = self.context.year
        self.get("page report", "/payments/report/", {"year": year})
        self.think()
        self.get("api report", "/api/v1/reports/payments/", {"year": year})
        self.think()
        self.get("page report", "/reports/enforcement/", {"year": year})
        self.think()
        self.get("api report", "/api/v1/reports/enforcement/", {"year": year})
        self.think()
        self.get("page list filtered", "/cases/", {"status": "registered"})
        self.think()
        self.get("api list", "/api/v1/applications/", {"status": "enrolled", "year": year})
        self.think()


def run_officers(specs, context: RunContext) -> list[VirtualOfficer]:
    """One thread per officer: all log in, then work from the same moment until the deadline;
    returns the officers, done."""
    start = threading.Barrier(len(specs), action=context.begin)
    officers = [VirtualOfficer(spec, context, seed, start) for seed, spec in enumerate(specs)]
    threads = [threading.Thread(target=officer.run, daemon=True) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return officers


# The server and the database.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(port: int, workers: int, environment: dict, log: Path):
    """``gunicorn config.wsgi -w workers`` on 127.0.0.1:port until the block ends."""
    with open(log, "w") as errors:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                # A shared 2-core machine is slow at times; a stuck request still fails loudly.
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=environment,
            stdout=errors,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.perf_counter() + 90
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/login/")
                if probe.getresponse().status == 200:
                    break
            if time.perf_counter() > deadline:
                raise SystemExit(f"gunicorn did not answer in 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def database_url(url: str, fresh: bool) -> tuple[str, str | None]:
    """The URL to run on, and the name of the database created for it (None: the given one)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(
            "The load run needs PostgreSQL: set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/"
            "NAME (SQLite serialises every write, so its figures would say nothing)."
        )
    if not fresh:
        return url, None
    name = f"casework_load_{secrets.token_hex(4)}"
    with contextlib.closing(_maintenance(parts)) as connection, connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _maintenance(parts):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    connection.autocommit = True
    return connection


def drop_database(url: str, name: str) -> None:
    with (
        contextlib.closing(_maintenance(urlsplit(url))) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(args) -> tuple[list[OfficerSpec], dict[str, int]]:
    """Migrate, make the city (unless it is there), make the run's officers."""
    from django.core.management import call_command

    from casework.models import Region
    from demo.scale import CITY, Progress, Size, generate
    from permissions.factories import OfficerFactory
    from permissions.roles import Role

    call_command("migrate", verbosity=0)
    counts = {}
    if not Region.objects.filter(code=CITY).exists():
        counts = generate(
            Size(
                villages=args.villages,
                applications=args.applications,
                cases=args.cases,
                certificates=args.certificates,
                seed=args.seed,
            ),
            Progress(),
        )
    city = Region.objects.filter(code__startswith=CITY[:4])
    codes = {
        level: list(city.filter(level=level).order_by("code").values_list("code", flat=True))
        for level in ("village", "township", "county")
    }
    specs = roster(codes["village"], codes["township"], codes["county"], args.officers)
    for spec in specs:
        OfficerFactory(
            username=spec.username,
            full_name=f"负载{spec.username.rsplit('_', 1)[1]}号",
            jurisdiction=Region.objects.get(code=spec.region),
            roles=[Role(spec.role)],
        )
    return specs, counts


def audit_entries_since(seq: int) -> list[Transition]:
    """The audit entries of applications written after ``seq``."""
    from django.contrib.contenttypes.models import ContentType

    from casework.models import Application
    from permissions.models import AuditEntry

    rows = AuditEntry.objects.filter(
        seq__gt=seq, content_type=ContentType.objects.get_for_model(Application)
    ).values_list("action", "object_id", "actor__username")
    return [Transition(action, int(pk), officer or "") for action, pk, officer in rows]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--villages", type=int, default=120)
    parser.add_argument("--applications", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--certificates", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 0.8), metavar=("MIN", "MAX"))
    parser.add_argument(
        "--race-share", type=float, default=0.25, help="share of transitions staged as races"
    )
    parser.add_argument(
        "--use-database", action="store_true", help="work in DATABASE_URL's database itself"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database made for the run")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    url, created = database_url(os.environ.get("DATABASE_URL", ""), fresh=not args.use_database)
    scratch = Path(tempfile.mkdtemp(prefix="casework-load-"))
    environment = dict(os.environ)
    # DEBUG is off, as in production; the pinned "today" is refused there, so the run works on
    # the real date.
    environment.pop("CASEWORK_TODAY", None)
    environment.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        CASEWORK_DEBUG="0",
        CASEWORK_SECRET_KEY=os.environ.get("CASEWORK_SECRET_KEY") or secrets.token_urlsafe(40),
        CASEWORK_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: cookies marked Secure would never come back.
        CASEWORK_SECURE_COOKIES="0",
        CASEWORK_DATA_DIR=str(scratch),
        CASEWORK_CACHE_DIR=str(scratch / "cache"),
        CASEWORK_MEDIA_ROOT=str(scratch / "media"),
    )
    os.environ.update(environment)
    os.environ.pop("CASEWORK_TODAY", None)
    sys.path.insert(0, str(ROOT))
    try:
        return _run(args, environment, scratch)
    finally:
        from django.db import connections

        connections.close_all()
        if created and not args.keep:
            drop_database(url, created)
        elif created:
            print(f"kept database {created}")
        shutil.rmtree(scratch, ignore_errors=True)


def _run(args, environment, scratch) -> int:
    import django

    django.setup()
    from django.db import connections

    from casework import clock
    from casework.models import Application
    from permissions.audit import verify_chain
    from permissions.models import AuditChainHead
    from workflows.transitions import steps_of

    AUDIT_ACTIONS.update({name: step.method for name, step in steps_of(Application).items()})
    started = time.perf_counter()
    specs, counts = prepare(args)
    setup = time.perf_counter() - started
    start_seq = AuditChainHead.objects.get(pk=1).seq
    connections.close_all()
    sharing = Counter((spec.role, spec.region) for spec in specs)
    boards = {key: RaceBoard() for key, n in sharing.items() if key[0] in WORK and n > 1}
    port = free_port()
    with gunicorn(port, args.workers, environment, scratch / "gunicorn.log"):
        context = RunContext(
            host="127.0.0.1",
            port=port,
            password="casework-demo",
            seconds=args.seconds,
            today=clock.today().isoformat(),
            year=clock.today().year - 1,
            think=tuple(args.think),
            race_share=args.race_share,
            race_wait=3.0,
            boards=boards,
        )
        officers = run_officers(specs, context)
        elapsed = max(
            (r.started + r.seconds for o in officers for r in o.records), default=args.seconds
        )
    records = [r for o in officers for r in o.records]
    logins = [r for o in officers for r in o.logins]
    successes = [t for o in officers for t in o.successes]
    refusals = [t for o in officers for t in o.refusals]
    races = sum((o.races for o in officers), Counter())
    check = check_transitions(successes, refusals, audit_entries_since(start_seq))
    check.chain = verify_chain()
    roles = Counter(spec.role for spec in specs)
    print(
        f"load run: {len(specs)} officers ("
        + ", ".join(f"{n} {role}" for role, n in roles.items())
        + f"), gunicorn {args.workers} workers, {args.seconds:.0f} s, PostgreSQL"
    )
    made = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    print(f"city: {made or 'already there'}; setup {setup:.0f} s (not measured)")
    failed_logins = [o.spec.username for o in officers if not o.logged_in]
    print(
        f"logins: {len(specs) - len(failed_logins)} of {len(specs)} "
        f"(p95 {percentile([r.seconds * 1000 for r in logins] or [0], 95):.0f} ms, "
        "not in the table)"
    )
    for line in summary_lines(records, elapsed):
        print(line)
    done = Counter(t.action for t in successes)
    outcomes = Counter(r.outcome for r in records)
    print(
        "transitions answered 200: "
        + (", ".join(f"{action} {n}" for action, n in sorted(done.items())) or "none")
        + f"; conflicts (409): {outcomes['conflict']}; lost races (400, or a bulk row refused): "
        f"{outcomes['lost race'] + sum(1 for t in refusals if t.action == APPRAISE)}"
    )
    print(
        f"races staged: {races['staged']}, run with a partner: {races['raced']} "
        f"(joined {races['joined']})"
    )
    errors = [r for r in records + logins if r.outcome == "error"]
    print(f"errors: {len(errors)}")
    for record in errors[:10]:
        print(f"  {record.status} {record.kind} {record.officer}: {record.detail}")
    for line in check.lines():
        print(line)
    return 0 if not errors and not failed_logins and check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
