"""Synthetic history at regional or national scale, for benchmarks.

``synthetic_generate`` appends made-up contacts spread over the ``years`` before
``end`` with what the real services would have written for them by now: the
people on them and their person records, screenings with Signs of Safety,
multi-agency checks, decisions (approved by a manager where the rules need it, a
few superseded), notices to referrers and families, and what social care did
after each referral. Proportions follow DOMAIN.md: about 45 % Information and
Advice, 1.6 children a contact, a quarter of contacts about a child already
known, re-referrals near England's 22 %, 31 % of strategy discussions reaching
a conference. Contacts from the last two working days are left in the queue;
older ones are decided as the services would have left them.

What social care did after each referral is shaped for the CIN census: every child
has an ethnicity (or none obtained) and disabilities (mostly NONE), every referral
a primary need, and each child on a referral one episode whose work runs in order
(an assessment starts after the referral and ends with its factors; an s47 enquiry
ends in a conference on a weekday, or in none needed) and ends before the case
closes with the census reason; a child whose case is still open when a new contact
comes is "already open", so no child has two episodes at once. About one assessment
in six and one conference in five is late, and says why. tests/test_synthetic.py
checks all this against the DfE's rules (tests/census_invariants.py).

Why it writes rows itself instead of calling the services: the services take
tens of milliseconds a contact, so a million contacts would take days. Instead
rows are generated in Python and streamed with ``COPY`` in one transaction:

* Primary keys are assigned here, from the tables' largest ids read under a
  lock, and the identity sequences moved past them at the end, so the real
  services carry on from there. Contact references come from the per-year
  reference sequences the services draw from, so real intake never reuses one.
* ``session_replication_role = replica`` for this transaction only: triggers do
  not fire. On these tables the triggers are django-pghistory's change history,
  the append-only and decision-immutability guards, and the foreign-key checks.
  Synthetic rows were never changed, so they have no change history to record,
  and nothing here updates a decision. Because foreign keys go unchecked, this
  module must produce only references that resolve (tests/test_synthetic.py
  checks every one). CHECK, NOT NULL and UNIQUE constraints are not triggers, so
  PostgreSQL still enforces them on every row. Setting the role needs a
  superuser (the embedded PostgreSQL's user is one) or
  ``GRANT SET ON PARAMETER session_replication_role``.
* When the load at least doubles a table, its plain (non-unique, non-primary)
  indexes are dropped inside the transaction and rebuilt after the ``COPY``:
  building an index once is far cheaper than maintaining it row by row, and DDL
  is transactional in PostgreSQL, so a failure restores them untouched.
* Generation runs in a second thread while the main thread feeds PostgreSQL, so
  Python and the server use both cores. Memory stays bounded: contacts are made a
  chunk at a time, and a family is forgotten two years after its last contact.

No change history or audit rows are written (nobody changed or read these
records), and notices are written as already delivered, so no worker ever sends
one. Email addresses use reserved example domains and telephone numbers Ofcom's
drama ranges. Never run this against a database holding real records.
"""

from demo.synthetic.load import synthetic_generate

__all__ = ["synthetic_generate"]
