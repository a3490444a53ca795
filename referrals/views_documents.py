"""Files on a contact: the page where whoever may add to a contact attaches one (the
referrer, just after sending, or screening staff), and the download, which is the only
way a file's bytes leave the service (docs/adr/0032). Both through the contact's access
function; the download through the document's (``document_get``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor import malware
from frontdoor.audit import audit_views
from referrals import selectors, services
from referrals.forms_documents import DocumentForm
from referrals.models import Document
from referrals.selectors_documents import document_get, documents_for


def attached_message(document: Document) -> str:
    if document.readable:
        return f"{document.filename} is attached. The virus scanner found no malware in it."
    return (
        f"{document.filename} is attached, but the virus scanner could not be reached: the file "
        "is held, unopened, and will be scanned as soon as the scanner is back."
    )


@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, reference: str) -> HttpResponse:
    contact = selectors.contact_get(user=request.user, reference=reference)
    form = DocumentForm()
    status = 200
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            via = (
                Document.Via.REFERRAL
                if contact.referrer_id == request.user.pk
                else Document.Via.SCREENING
            )
            try:
                document = services.document_attach(
                    actor=request.user, contact=contact, upload=form.upload(), via=via
                )
            except services.DocumentRefused as refused:
                form.add_refusal(refused.field, refused.message)
            else:
                messages.success(request, attached_message(document))
                return redirect(reverse("referrals:document-add", args=[reference]))
    audit_views(actor=request.user, record_type="contact", record_ids=[reference], request=request)
    return render(
        request,
        "referrals/documents.html",
        {
            "contact": contact,
            "documents": documents_for(user=request.user, contact=contact),
            "form": form,
            "show_errors": status == 400,
            "scanner": malware.scanner_state(),
        },
        status=status,
    )


@require_GET
def document_download(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    document = document_get(user=request.user, reference=reference, document_id=document_id)
    if not document.readable:
        messages.error(
            request,
            f"{document.filename} cannot be opened: "
            + (
                "it is waiting to be scanned for malware."
                if document.scan_state == Document.ScanState.QUARANTINED
                else "malware was found in it and it was deleted."
            ),
        )
        return redirect(reverse("referrals:document-add", args=[reference]))
    return download_response(request, document)


def download_response(request: HttpRequest, document: Document) -> HttpResponse:
    """The file as a download: the caller fetched ``document`` with its access function
    and checked it is readable. Read and audited by ``document_read``."""
    data = services.document_read(actor=request.user, document=document)
    response = HttpResponse(data, content_type=document.content_type)
    # Always a download, never shown in the page's origin; the type as libmagic read it.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
