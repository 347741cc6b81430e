"""Sample URL values for the progress blueprint (issue 15)."""

SAMPLES = {
    ("progress.district", "slug"): lambda app: "wujiang",
    # No file with this key exists: the route must answer 404, never a server error.
    ("progress.evidence", "key"): lambda app: "0000000000000000.pdf",
}
