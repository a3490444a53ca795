"""A credential shown once: handed from the change that issued it to the page that
shows it through the server-side session, and removed when first shown, so it is never
in a URL, a log, or a page that a reload or the back button could bring back (partner
systems' tokens, webhook endpoints' signing secrets)."""

from __future__ import annotations

from django.http import HttpRequest


def keep_to_show(request: HttpRequest, kind: str, *, owner: int, value: str) -> None:
    """Keep ``value`` (of ``owner``, a record's id) for the next page that shows it."""
    request.session[f"shown-once:{kind}"] = {"owner": owner, "value": value}


def take_to_show(request: HttpRequest, kind: str, *, owner: int) -> str | None:
    """The value kept for ``owner``, once; None when there is none (shown already, or
    kept for another record, which is then dropped too)."""
    kept = request.session.pop(f"shown-once:{kind}", None)
    if not kept or kept.get("owner") != owner:
        return None
    return kept["value"]
