from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reformledger.core.tokens import create_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it on stdout (it is shown only once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label for the token, e.g. the script that uses it.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days the token lasts (default: API_TOKEN_DAYS, 90). It also ends when the person's password changes.",
        )

    def handle(self, *args: Any, username: str, name: str, days: int | None, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        self.stdout.write(create_token(user=user, name=name, days=days))
        lifetime = settings.API_TOKEN_DAYS if days is None else days
        # On stderr, so that a script reading the token from stdout gets the token alone.
        self.stderr.write(f"The token lasts {lifetime} days, and ends if {username}'s password changes.")
