"""Alerts to the people who must act (issue 23, docs/adr/0042).

``raising`` writes them: from events as they happen (a check sent to an agency, a
decision returned) and from the periodic ``scan`` (a check overdue, an approval
waiting, an immediate-risk contact not taken, a contact past its due time).
``delivery`` emails them, at once or in the daily digest, through the project's mailer
or GOV.UK Notify; ``selectors`` and ``views`` show them on the home page and keep each
person's choice of email.
"""
