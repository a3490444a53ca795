"""One email handed to the project's mailer (Django's ``MAILERS``, SMTP in production),
with the mail server's answer sorted into "try again later" and "will never go": the
one place both notices and alerts send email when GOV.UK Notify is not set up."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid


class MailTemporaryFailure(Exception):
    """The mail server could not take it now (down, busy, a 4xx answer)."""


class MailRefused(Exception):
    """The mail server refused it for good (a 5xx answer, an unknown address)."""


def smtp_send(*, to: str, subject: str, body: str, reference: str) -> str:
    """Send one plain-text email; return its Message-ID, which carries ``reference`` so a
    duplicate sent by a worker that died mid-send is recognisable downstream."""
    message_id = make_msgid(idstring=reference)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise MailRefused("The mail server refused the address") from error
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise MailTemporaryFailure(f"SMTP {error.smtp_code}") from error
        raise MailRefused(f"SMTP {error.smtp_code}") from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise MailTemporaryFailure(type(error).__name__) from error
    return message_id
