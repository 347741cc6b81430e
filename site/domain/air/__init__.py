"""Air quality: standards as data, HJ 633 IAQI/AQI, HJ 663 daily and annual assessment, importers.

Pure functions on pandas frames; nothing here imports Flask or touches the database.
"""
