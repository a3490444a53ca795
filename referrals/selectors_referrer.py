"""Who sent a contact and how to reach them, in one shape whichever way it came:

- an online referral: what the contact recorded when it was sent (the account's name,
  job and agency then, and the phone number they gave), and the account as it is now
  where that says more (a phone number they have added or changed since);
- a partner system (the API): the ``referrer`` block it sent; the account is the
  system's, so only its name is shown, as what sent it;
- a contact staff recorded (phone consultation, contact centre, email, police
  notification): what staff were told.

Reads only the contact and the rows ``contact_get`` already joins."""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.phones import tel_href
from referrals.models import Contact


@dataclass(frozen=True)
class Phone:
    number: str
    href: str  # "" when it cannot be dialled as written
    note: str = ""  # where it comes from, when there is more than one


@dataclass(frozen=True)
class ReferrerDetails:
    anonymous: bool
    name: str = ""
    role: str = ""
    agency: str = ""
    phones: tuple[Phone, ...] = ()
    email: str = ""
    sent_by_system: str = ""  # the partner system's name, for a contact sent by the API
    has_account: bool = False
    erased: bool = False  # erased under the retention policy, with the rest of the contact

    @property
    def reachable(self) -> bool:
        return bool(self.phones or self.email)


def _phone(number: str, note: str = "") -> Phone:
    return Phone(number=number, href=tel_href(number), note=note)


def referrer_details(contact: Contact) -> ReferrerDetails:
    if contact.referrer_anonymous:
        return ReferrerDetails(anonymous=True)
    if contact.erased_at is not None:
        return ReferrerDetails(anonymous=False, erased=True)
    agency = contact.referrer_organisation or (
        contact.source_agency.name if contact.source_agency_id else ""
    )
    if contact.api_client_id or contact.referrer_id is None:
        phones = (_phone(contact.referrer_phone),) if contact.referrer_phone else ()
        return ReferrerDetails(
            anonymous=False,
            name=contact.referrer_name,
            role=contact.referrer_role,
            agency=agency,
            phones=phones,
            email=contact.referrer_email,
            sent_by_system=contact.api_client.name if contact.api_client_id else "",
        )
    account = contact.referrer
    given, now = contact.referrer_phone, account.phone
    if given and now and given != now:
        phones = (
            _phone(now, "on their account now"),
            _phone(given, "given with this referral"),
        )
    elif given or now:
        phones = (_phone(given or now),)
    else:
        phones = ()
    return ReferrerDetails(
        anonymous=False,
        name=contact.referrer_name or account.full_name,
        role=contact.referrer_role or account.job_title,
        agency=agency or (account.agency.name if account.agency_id else ""),
        phones=phones,
        email=contact.referrer_email or account.email,
        has_account=True,
    )
