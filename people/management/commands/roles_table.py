"""Print the roles table of docs/operations.md from the groups' permissions."""

from django.core.management.base import BaseCommand

from people.roles import roles_table


class Command(BaseCommand):
    help = "Print the Markdown table of what each role may do (docs/operations.md, Roles)."

    def handle(self, *args, **options):
        self.stdout.write(roles_table())
