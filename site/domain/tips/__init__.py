"""Citizen tips: categories tied to plan tasks, states, tracking codes, duplicates, privacy, images.

Pure functions and data classes only (no Flask), so every rule here is unit-tested on its own.
"""
