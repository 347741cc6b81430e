"""Sample URL values for the maps blueprint (issue 4)."""

SAMPLES = {
    ("maps.document", "name"): lambda app: "progress",
}
