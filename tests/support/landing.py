"""The heading each role's landing page greets them with."""

from frontdoor.roles import Role

LANDING_HEADINGS = {
    Role.SCREENER: "Screening",
    Role.EDT: "Emergency duty team",
    Role.LADO: "Allegations against adults who work with children",
    Role.MANAGER: "Managing the front door",
    Role.HEAD_OF_SERVICE: "Head of service",
    Role.REFERRER: "Referring a concern about a child",
    Role.PARTNER_AGENCY_MEMBER: "Partner agency in the MAST",
    Role.PERFORMANCE_VIEWER: "Performance",
    Role.ADMINISTRATOR: "Administration",
    Role.CASE_SYSTEM: "Case-management system account",
}
