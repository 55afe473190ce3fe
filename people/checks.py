"""``manage.py check --deploy``: say when no mail can leave the site.

Information, not a warning: a site without mail works (invitations show their link), so a
deployment checked with ``--fail-level WARNING`` still passes.
"""

from django.conf import settings
from django.core.checks import Info, Tags, register

from .services import DUMMY_BACKEND


@register(Tags.security, deploy=True)
def mail_is_configured(app_configs, **kwargs):
    if settings.EMAIL_BACKEND != DUMMY_BACKEND:
        return []
    return [
        Info(
            "No mail is configured: password reset mails are not sent, and invitations show "
            "their link to copy instead of mailing it.",
            hint="Set EMAIL_URL, e.g. smtp://USER:PASSWORD@HOST:587 (docs/operations.md, Mail).",
            id="people.I001",
        )
    ]
