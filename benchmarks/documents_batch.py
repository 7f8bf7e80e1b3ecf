"""Benchmark of batch issuing: N payment letters through ``issuing.issue_batch`` with 1 and 2
worker processes, and a long posting notice (1,000 and 5,000 rows) rendered and signed.

    CASEWORK_SECRET_KEY=x .venv/bin/python benchmarks/documents_batch.py [--letters N]

Builds its own throw-away SQLite database, keys and media in a temporary folder. Each
measurement runs in a fresh process, so its peak memory is its own; CPU time counts that
process and the worker processes it started.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICE = "bench-wjw"
COUNTY = "360921000000"
PASSPHRASE = "bench-keys"
# Made-up recipients, so that the letters of a chunk do not all print the same glyphs.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["桂兰", "秀英", "建国", "玉梅", "志强", "春花", "德明", "淑珍", "国华", "秋菊"]


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup() -> dict:
    """Migrate the scratch database and make the county, its office, its key and an officer."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from casework.factories import RegionFactory
    from documents import keys
    from documents.models import IssuingOffice
    from permissions.factories import OfficerFactory
    from permissions.roles import Role

    call_command("migrate", verbosity=0)
    key_dir = Path(settings.CASEWORK_SIGNING_KEY_DIR)
    keys.make_local_ca(key_dir, "基准测试根证书")
    keys.make_office_key(key_dir, OFFICE, "安和县卫生健康委员会", PASSPHRASE)
    for code, name in (("360000000000", "示范省"), ("360900000000", "示范市"), (COUNTY, "安和县")):
        RegionFactory(code=code, name=name)
    IssuingOffice.objects.create(
        code=OFFICE,
        name="安和县卫生健康委员会",
        number_prefix="安和县卫健",
        region_id=COUNTY,
        phone="0797-5210001",
    )
    OfficerFactory(username="bench", roles=[Role.COUNTY_APPROVER], jurisdiction_id=COUNTY)
    return {}


def _request(kind: str, title: str, index: int = 0, rows: int = 12):
    from demo.samples import sample_data
    from documents import issuing
    from documents.models import IssuingOffice

    data = sample_data(kind, rows=rows)
    if kind == "payment_letter":
        data["recipient"] = SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)]
    office = IssuingOffice.objects.select_related("region").get(code=OFFICE)
    return issuing.IssueRequest(
        kind=kind,
        office=office,
        region=office.region,
        title=title,
        data=data,
        public_summary=[("收款人", "王*兰")],
        signers=[issuing.Signer("签发", "县审批员", "2026年11月25日", "同意")],
    )


def _usage() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "peak_mb": own.ru_maxrss / 1024,
        "worker_peak_mb": children.ru_maxrss / 1024,
    }


def letters(count: int, workers: int) -> dict:
    """Issue ``count`` payment letters in one batch with ``workers`` processes."""
    _django()
    from django.conf import settings

    from documents import batches
    from documents.models import Document
    from permissions.audit import Actor
    from permissions.models import Officer

    settings.CASEWORK_DOCUMENT_WORKERS = workers
    actor = Actor(Officer.objects.get(username="bench"))
    requests = [_request("payment_letter", "奖励扶助金发放告知书", i) for i in range(count)]
    before, start = _usage(), time.perf_counter()
    documents, refused, merged = batches.issue_batch(requests, actor)
    wall = time.perf_counter() - start
    after = _usage()
    sizes = list(Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("size"))
    return {
        "issued": len(documents),
        "refused": len(refused),
        "wall_s": wall,
        "cpu_s": after["cpu"] - before["cpu"],
        "mb_per_letter": sum(size for (size,) in sizes) / len(sizes) / 1e6,
        "print_mb": len(merged) / 1e6 if merged else 0,
        "peak_mb": after["peak_mb"],
        "worker_peak_mb": after["worker_peak_mb"],
    }


def posting(rows: int) -> dict:
    """Render and sign one posting notice of ``rows`` names (a long kind: rendered alone)."""
    _django()
    from documents import issuing, keys, rendering, signing

    request = _request("posting_notice", "农村部分计划生育家庭奖励扶助对象公示", rows=rows)
    body = issuing.document_body(
        request, "安和县卫健〔2026〕公示字第0001号", "ABCDE23456", demo=True
    )
    key = keys.load_office_key(OFFICE)
    before, start = _usage(), time.perf_counter()
    rendered = rendering.render_pdf(rendering.page_html([body]))
    rendered_at = time.perf_counter()
    signed = signing.sign_pdf(rendered, key, reason=request.title, location=request.office.name)
    end = time.perf_counter()
    return {
        "pages": rendered.pages,
        "render_s": rendered_at - start,
        "sign_s": end - rendered_at,
        "cpu_s": _usage()["cpu"] - before["cpu"],
        "mb": len(signed) / 1e6,
        "peak_mb": _usage()["peak_mb"],
    }


def _run(environment: dict, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--postings", default="1000,5000", help="rows of each posting notice")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--only", choices=["setup", "letters", "posting"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.only == "setup":
        print(json.dumps(setup()))
        return
    if arguments.only == "letters":
        print(json.dumps(letters(arguments.letters, arguments.size)))
        return
    if arguments.only == "posting":
        print(json.dumps(posting(arguments.size)))
        return

    scratch = Path(tempfile.mkdtemp(prefix="casework-docbench-"))
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(
        CASEWORK_DATA_DIR=str(scratch),
        CASEWORK_MEDIA_ROOT=str(scratch / "media"),
        CASEWORK_SIGNING_KEY_DIR=str(scratch / "keys"),
        CASEWORK_SIGNING_PASSPHRASE=PASSPHRASE,
        CASEWORK_TRUST_ROOTS=str(scratch / "keys" / "ca.pem"),
        CASEWORK_TODAY="2026-11-24",
    )
    try:
        _run(environment, "--only", "setup")
        print(f"{arguments.letters:,} payment letters through issue_batch")
        print(
            f"{'workers':>7} {'letters/s':>10} {'wall s':>8} {'CPU ms/letter':>14} "
            f"{'MB/letter':>10} {'print MB':>9} {'peak MB':>8} {'worker peak MB':>15}"
        )
        for workers in (int(value) for value in arguments.workers.split(",")):
            result = _run(
                environment,
                "--only",
                "letters",
                "--letters",
                str(arguments.letters),
                "--size",
                str(workers),
            )
            print(
                f"{workers:>7} {result['issued'] / result['wall_s']:>10.1f} "
                f"{result['wall_s']:>8.1f} {result['cpu_s'] * 1000 / result['issued']:>14.1f} "
                f"{result['mb_per_letter']:>10.3f} {result['print_mb']:>9.1f} "
                f"{result['peak_mb']:>8.0f} {result['worker_peak_mb']:>15.0f}"
            )
        print("posting notice (long kind), rendered and signed alone")
        print(
            f"{'rows':>7} {'pages':>6} {'render s':>9} {'sign s':>7} {'CPU s':>6} {'MB':>6} "
            f"{'peak MB':>8}"
        )
        for rows in (int(value) for value in arguments.postings.split(",")):
            result = _run(environment, "--only", "posting", "--size", str(rows))
            print(
                f"{rows:>7} {result['pages']:>6} {result['render_s']:>9.2f} "
                f"{result['sign_s']:>7.2f} {result['cpu_s']:>6.2f} {result['mb']:>6.2f} "
                f"{result['peak_mb']:>8.0f}"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
