"""The twice-daily complex-case meeting: which contacts come to it, when it runs,
and what it decides."""
