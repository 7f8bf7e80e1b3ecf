import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import Progress, Size, generate


class Command(BaseCommand):
    help = (
        "Make a synthetic city for benchmarks and load runs: villages, families, applications "
        "in every status and year, postings, payments, enforcement cases and certificates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=300)
        parser.add_argument("--applications", type=int, default=10_000)
        parser.add_argument("--cases", type=int, default=200)
        parser.add_argument("--certificates", type=int, default=1_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        size = Size(
            villages=options["villages"],
            applications=options["applications"],
            cases=options["cases"],
            certificates=options["certificates"],
            seed=options["seed"],
        )
        if min(size.villages, size.applications) < 1 or min(size.cases, size.certificates) < 0:
            raise CommandError("Give at least one village and one application.")
        started = time.perf_counter()
        try:
            counts = generate(size, Progress(self.stderr._out))
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        made = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"Made {made} in {elapsed:.0f} s.")
