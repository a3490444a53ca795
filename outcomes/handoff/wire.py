"""Events as they go out, in one shape: the webhook's body and each item of the pull
feed are the same JSON object, the feed's with its id and contact reference too.

``data`` goes in as the database keeps it (jsonb as text), never decoded and encoded
again: for a page of 100 events that was most of the feed's time (bench/results)."""

from __future__ import annotations

import json
from datetime import UTC, datetime


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def with_data(fields: dict, data_text: str) -> str:
    head = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return f'{head[:-1]},"data":{data_text}}}'


def webhook_body(kind: str, occurred_at: datetime, data_text: str) -> str:
    """The Standard Webhooks payload: type, timestamp and data."""
    return with_data({"type": kind, "timestamp": _timestamp(occurred_at)}, data_text)


def feed_item(
    *, event_id: str, kind: str, occurred_at: datetime, contact_reference: str, data_text: str
) -> str:
    return with_data(
        {
            "id": event_id,
            "type": kind,
            "timestamp": _timestamp(occurred_at),
            "contact_reference": contact_reference,
        },
        data_text,
    )


def feed_page(items: list[str], *, next_cursor: str, has_more: bool) -> str:
    return (
        f'{{"events":[{",".join(items)}],"next_cursor":{json.dumps(next_cursor)},'
        f'"has_more":{"true" if has_more else "false"}}}'
    )
