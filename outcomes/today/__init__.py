"""The today page (issue 23, part 1): the front door at a glance for a manager, and a
screener's own work, each figure a link to the list behind it, updating itself while
open (docs/adr/0041).

It lives in outcomes, the top layer, because it shows what every layer holds: the
queue and its clocks (referrals, screening), checks and approvals (screening), and
Operation Encompass notices (outcomes). Every figure is one aggregate query whose cost
does not grow with the data; the definitions (a clock's state, an overdue check, a
notice due soon) are the ones the lists behind the figures use.
"""
