"""Files on demo contacts: a police report a screener attached and a school chronology a
referrer attached, each a made-up one-page PDF (WeasyPrint), scanned and encrypted like
any upload (docs/adr/0032)."""

from __future__ import annotations

from django.utils import timezone
from weasyprint import HTML

from frontdoor.models import User
from frontdoor.roles import Role
from referrals import services as referral_services
from referrals.models import Contact, Document
from screening.models import Screening

POLICE_REPORT = """
<h1>Police notification (made-up demonstration data)</h1>
<p>Officers attended the address at 22:40 after a neighbour reported shouting. The adults
had argued; a child was present and was seen by officers, who had no injuries to report.
No arrests were made. This is a synthetic document for demonstrating Front Door.</p>
"""
SCHOOL_CHRONOLOGY = """
<h1>School chronology (made-up demonstration data)</h1>
<ul><li>3 March: arrived late and hungry, third time this month.</li>
<li>10 March: said there is no food at home at weekends.</li>
<li>12 March: parent did not come to the arranged meeting.</li></ul>
<p>This is a synthetic document for demonstrating Front Door.</p>
"""


def _pdf(body: str, reference: str) -> bytes:
    html = f"<html><body style='font-family: sans-serif'><p>{reference}</p>{body}</body></html>"
    return HTML(string=html).write_pdf()


def demo_documents_load() -> int:
    """Attach a file to each of the two earliest contacts in screening, once (loading the
    demo again adds none); returns how many were attached."""
    screener = User.objects.filter(groups__name=Role.SCREENER).first()
    if screener is None or Document.objects.exists():
        return 0
    contacts = list(
        Contact.objects.filter(
            pk__in=Screening.objects.values("contact_id"),
            erased_at__isnull=True,
            referrer__isnull=False,
        )
        .select_related("referrer")
        .order_by("received_at")[:2]
    )
    attached = 0
    for contact, (actor, name, body, via) in zip(
        contacts,
        [
            (screener, "police-notification.pdf", POLICE_REPORT, Document.Via.SCREENING),
            (None, "school-chronology.pdf", SCHOOL_CHRONOLOGY, Document.Via.REFERRAL),
        ],
        strict=False,
    ):
        referral_services.document_attach(
            actor=actor or contact.referrer,
            contact=contact,
            upload=referral_services.DocumentUpload(
                filename=name,
                data=_pdf(body, contact.reference),
                description="Made-up demonstration file, "
                f"{timezone.localdate(contact.received_at):%-d %B %Y}",
            ),
            via=via,
        )
        attached += 1
    return attached
