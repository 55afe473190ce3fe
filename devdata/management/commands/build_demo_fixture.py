"""Write the `demo` fixture: demo accounts and scholarship made through the services."""

import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.models import Document
from devdata.demo import ENGLISH, ROMANIAN, USERS, build_demo
from devdata.fixture import fixture_text


class Command(BaseCommand):
    help = (
        "Create the demo accounts and content through the annotation services, write them as a "
        "fixture, and roll the database back (run it in a scratch database)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "demo.json"),
            help="where to write the fixture (default: fixtures/demo.json)",
        )

    def handle(self, *args, **options):
        usernames = [username for username, _, _ in USERS]
        with transaction.atomic():
            if get_user_model().objects.filter(username__in=usernames).exists():
                raise CommandError(
                    f"This database already has a demo user ({', '.join(usernames)}); build "
                    "the demo fixture in a scratch database (see `make fixtures`)."
                )
            if Document.objects.filter(slug__in=[ENGLISH, ROMANIAN]).count() != 2:
                self.stdout.write("Loading the articles fixture first.")
                call_command("loaddata", "articles", verbosity=0)
            build = build_demo()
            text = fixture_text(build)
            # The fixture is the product; the database is left as it was.
            transaction.set_rollback(True)
        output = Path(options["output"])
        output.write_text(text, encoding="utf-8")
        counts = Counter(record["model"] for record in json.loads(text))
        summary = ", ".join(f"{count} {model}" for model, count in counts.items())
        self.stdout.write(f"Wrote {summary} to {output}.")
