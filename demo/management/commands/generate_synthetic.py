from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import synthetic_generate


class Command(BaseCommand):
    help = (
        "Append synthetic contacts, with their screenings, decisions, notices and "
        "outcomes, spread over the last few years: for benchmarks at regional or national "
        "scale. Made-up people only; never run it against a database with real records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, required=True, help="How many contacts to add.")
        parser.add_argument(
            "--years",
            type=int,
            default=5,
            help="Spread them over this many years up to now (default 5).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1); runs are repeatable."
        )

    def handle(self, *args, contacts: int, years: int, seed: int, **options):
        if contacts < 1 or years < 1:
            raise CommandError("--contacts and --years must be at least 1.")
        try:
            synthetic_generate(
                contacts=contacts, years=years, seed=seed, progress=self.stdout.write
            )
        except PermissionError as refused:
            # The app's role may not switch triggers off; the owner's may (ADR 0013).
            raise CommandError(
                f"{refused} Run it as the owner: DATABASE_ROLE=owner python manage.py "
                "generate_synthetic …"
            ) from None
