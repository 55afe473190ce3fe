"""``manage.py check --deploy``: say when no mail can leave the site."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .services import DUMMY_BACKEND


@register(Tags.security, deploy=True)
def mail_is_configured(app_configs, **kwargs):
    if settings.EMAIL_BACKEND != DUMMY_BACKEND:
        return []
    return [
        Warning(
            "No mail is configured: password reset mails are not sent, and invitations show "
            "their link to copy instead of mailing it.",
            hint="Set EMAIL_URL, e.g. smtp://USER:PASSWORD@HOST:587 (docs/operations.md, Mail).",
            id="people.W001",
        )
    ]
