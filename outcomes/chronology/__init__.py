"""A person's chronology: every contact, decision, check, meeting outcome, downstream
outcome, notice and restriction about them, in time order.

``entries`` holds the parts (an entry, a stream of rows, a source of streams),
``sources`` one function per kind, ``selectors`` the keyset-paged read.
"""
