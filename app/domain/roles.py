"""The roles (SPEC §1, §13) and the named sets of them that views, services and the API check against — one place."""

ROLES = ("admin", "city", "commune", "viewer", "agency")  # every role; the users table accepts only these
READER_ROLES = ("admin", "city", "commune", "viewer")  # campaigns, reports, check-in lists: all but agency users
STAFF_ROLES = ("admin", "city", "commune")  # record activities, check-ins, questions (viewers only read)
CITY_OFFICE_ROLES = ("admin", "city")  # the city office: writes for every commune, city-level records, drafts
CITY_READER_ROLES = ("admin", "city", "viewer")  # see every commune's figures: dashboards, city summary, targets
RECORDER_ROLES = ("admin", "city", "commune", "agency")  # record activities: staff and agencies (their own, SPEC §13)
SUBMITTER_ROLES = ("admin", "city", "commune", "agency")  # hand in plan task products: the office and the units
ADMIN_ROLES = ("admin",)  # campaign and user administration
