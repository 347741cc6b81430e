"""Domain logic: pure Python, no Flask."""
