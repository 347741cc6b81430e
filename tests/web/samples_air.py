"""Sample URL values for the air pages (tests/web discovers every route)."""

SAMPLES = {
    # 1162A 彩香: an ordinary city-proper station with data on 2022-01-04 in ../shared/data.
    ("air.station", "code"): lambda app: "1162A",
}
