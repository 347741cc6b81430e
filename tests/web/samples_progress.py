"""Sample URL values for the progress blueprint (issue 15)."""

SAMPLES = {
    ("progress.district", "slug"): lambda app: "wujiang",
}
