"""Attaching a file from the screening contact page (docs/adr/0032): the form is in the
page's "Files" section, and a refusal re-renders the page with the message on the
field. Staff download through referrals' ``document_download``; a partner agency's member
downloads a file the screener shared on a check through ``check_document``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontdoor.roles import Permission
from referrals import services
from referrals.forms_documents import DocumentForm
from referrals.models import Document
from referrals.views_documents import attached_message, download_response
from screening import selectors
from screening.views import page_render


@require_POST
def document_add(request: HttpRequest, reference: str) -> HttpResponse:
    contact, _ = selectors.screening_get(user=request.user, reference=reference)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.document_attach(
                actor=request.user,
                contact=contact,
                upload=form.upload(),
                via=Document.Via.SCREENING,
            )
        except services.DocumentRefused as refused:
            form.add_refusal(refused.field, refused.message)
        else:
            messages.success(request, attached_message(document))
            return redirect(f"{reverse('screening:contact', args=[reference])}#documents")
    return page_render(request, reference, status=400, document_form=form)


@require_GET
def check_document(request: HttpRequest, check_id: int, document_id: int) -> HttpResponse:
    if not request.user.has_perm(Permission.ANSWER_AGENCY_CHECKS.perm):
        raise PermissionDenied
    _, document = selectors.check_document_get(
        user=request.user, check_id=check_id, document_id=document_id
    )
    return download_response(request, document)
