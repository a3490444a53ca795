"""Decision quality audits and the weekly joint review (docs/adr/0043)."""
